import type { DependencyContainer } from 'tsyringe';
import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import type { Config } from '../../platform/config/schema';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import { WxpaySimulator } from '@partnerpay/wxpay-simulator';

// The instance per container, created on first resolve, so onStop closes only what exists.
const created = new WeakMap<DependencyContainer, WxpaySimulator>();

function embedded(c: DependencyContainer): Config['simulator'] | undefined {
  const config = c.resolve<Config>(TOKENS.Config);
  return config.simulator.embedded ? config.simulator : undefined;
}

/**
 * The embedded WeChat Pay simulator (demo and tests): mounted at config.simulator.mountPath before
 * partnerpay's JSON parser (it verifies signatures over raw bodies) and bound to TOKENS.Simulator.
 * Does nothing unless config.simulator.embedded (never in production: the config refuses it).
 */
export const simulatorModule: AppModule = {
  name: 'simulator',
  register(c) {
    const sim = embedded(c);
    if (!sim) return;
    c.register(TOKENS.Simulator, {
      useFactory: (dc) => {
        let instance = created.get(c);
        if (!instance) {
          instance = new WxpaySimulator({
            clock: dc.resolve<Clock>(TOKENS.Clock),
            clockSpeed: sim.clockSpeed,
            stateDir: sim.stateDir,
            refundAutoFinishMs: sim.refundAutoFinishSeconds === undefined ? undefined : sim.refundAutoFinishSeconds * 1000,
            logger: dc.resolve<Logger>(TOKENS.Logger).child({ component: 'simulator' }),
          });
          created.set(c, instance);
        }
        return instance;
      },
    });
  },
  mountRaw(app, c) {
    const sim = embedded(c);
    if (!sim) return;
    app.use(sim.mountPath, c.resolve<WxpaySimulator>(TOKENS.Simulator).router());
  },
  async onStop(c) {
    await created.get(c)?.close();
  },
};
