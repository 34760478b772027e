/**
 * `node dist/src/app/cli/simulator-control.js <action> '<json>'`: calls the embedded simulator's control API
 * (POST /simulator/control/<action>) from inside the machine or container it runs in, where it answers
 * (loopback only). For the compose demo: `docker compose exec demo node dist/src/app/cli/simulator-control.js pay '{...}'`.
 */
async function main(): Promise<number> {
  const [action, body = '{}'] = process.argv.slice(2);
  if (!action || !/^[\w/-]+$/.test(action)) {
    console.error(
      'usage: simulator-control <action> \'<json body>\'   e.g. pay \'{"sub_mchid":"1900000109","out_trade_no":"DEMO000001"}\'',
    );
    return 2;
  }
  const url = `http://127.0.0.1:${process.env.PORT || 3000}/simulator/control/${action}`;
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  console.log(await res.text());
  return res.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
