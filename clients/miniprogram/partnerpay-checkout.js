/* global wx, setTimeout */
/**
 * partnerpay mini-program checkout: drop this file into a mini-program (no build step, no secret).
 *
 *   const { createCheckout } = require('./partnerpay-checkout');
 *   const checkout = createCheckout({ baseUrl: 'https://pay.example.com' });
 *   const result = await checkout.pay({ orderId, clientSecret }); // from the shop's back end
 *   if (result.ok) showPaid(result.order); else showError(result.error.code, result.error.message);
 *
 * Flow: wx.login -> POST /mp/v1/orders/{id}/pay -> wx.requestPayment -> poll GET /mp/v1/orders/{id}
 * until the order is final (wx.requestPayment's success callback is not proof of payment).
 * It never rejects: every outcome is a value, { ok: true, order } or { ok: false, error, order? }.
 *
 * A combined order (合单) of several shops, placed by the ISV's back end with its platform key:
 *   const result = await checkout.payCombined({ payment, check: () => myBackEnd.combinedOrder(no) });
 *   // { ok: true, combinedOrder } once every sub-order is paid
 */
'use strict';

var FINAL_FAILURES = { CLOSED: 'ORDER_CLOSED', PAYERROR: 'PAYMENT_FAILED', REVOKED: 'ORDER_CLOSED' };

function failure(code, message, extra) {
  var error = { code: code, message: message, retryable: false };
  if (extra) for (var k in extra) if (Object.prototype.hasOwnProperty.call(extra, k)) error[k] = extra[k];
  return { ok: false, error: error };
}

function sleep(ms) {
  return new Promise(function (resolve) {
    setTimeout(resolve, ms);
  });
}

/** Creates a checkout helper for one partnerpay deployment. */
function createCheckout(options) {
  var opts = options || {};
  if (!opts.baseUrl) throw new Error('createCheckout: baseUrl is required (the partnerpay API root, a request-legal domain)');
  var base = String(opts.baseUrl).replace(/\/+$/, '');
  var api = opts.wx || (typeof wx !== 'undefined' ? wx : undefined);
  if (!api) throw new Error('createCheckout: no wx object (run inside a mini-program, or pass options.wx)');
  var pollIntervalMs = opts.pollIntervalMs || 1500;
  var pollTimeoutMs = opts.pollTimeoutMs || 30000;

  function call(method, path, data) {
    return new Promise(function (resolve) {
      api.request({
        url: base + path,
        method: method,
        data: data,
        header: { 'content-type': 'application/json' },
        timeout: opts.requestTimeoutMs || 15000,
        success: function (res) {
          resolve({ status: res.statusCode, body: res.data || {}, headers: res.header || {} });
        },
        fail: function (err) {
          resolve({ status: 0, body: { code: 'NETWORK_ERROR', message: (err && err.errMsg) || 'request failed' } });
        },
      });
    });
  }

  function login() {
    return new Promise(function (resolve) {
      api.login({
        success: function (res) {
          resolve(res && res.code ? { code: res.code } : { error: 'wx.login answered no code' });
        },
        fail: function (err) {
          resolve({ error: (err && err.errMsg) || 'wx.login failed' });
        },
      });
    });
  }

  function requestPayment(payment) {
    return new Promise(function (resolve) {
      var params = {};
      for (var k in payment) if (Object.prototype.hasOwnProperty.call(payment, k)) params[k] = payment[k];
      params.success = function () {
        resolve({ ok: true });
      };
      params.fail = function (err) {
        var msg = (err && err.errMsg) || 'requestPayment failed';
        resolve({ ok: false, cancelled: /cancel/.test(msg), message: msg });
      };
      api.requestPayment(params);
    });
  }

  function serverError(res) {
    var body = res.body || {};
    var retryAfter = res.headers && (res.headers['Retry-After'] || res.headers['retry-after']);
    return failure(body.code || 'HTTP_' + res.status, body.message || 'partnerpay answered ' + res.status, {
      status: res.status,
      retryable: res.status === 0 || res.status === 429 || res.status >= 500,
      retryAfterSeconds: retryAfter ? Number(retryAfter) : undefined,
    });
  }

  /** GET /mp/v1/orders/{id}: the order view, or an error value. */
  function getOrder(orderId, clientSecret) {
    var q = '?client_secret=' + encodeURIComponent(clientSecret);
    return call('GET', '/mp/v1/orders/' + encodeURIComponent(orderId) + q).then(function (res) {
      return res.status === 200 ? { ok: true, order: res.body.order } : serverError(res);
    });
  }

  /** Polls until the order is final or pollTimeoutMs passed. */
  function waitForResult(orderId, clientSecret) {
    var deadline = Date.now() + pollTimeoutMs;
    function once() {
      return getOrder(orderId, clientSecret).then(function (r) {
        if (r.ok && (r.order.trade_state === 'SUCCESS' || r.order.trade_state === 'REFUND')) return { ok: true, order: r.order };
        if (r.ok && FINAL_FAILURES[r.order.trade_state]) {
          var f = failure(FINAL_FAILURES[r.order.trade_state], 'the order is ' + r.order.trade_state);
          f.order = r.order;
          return f;
        }
        if (Date.now() >= deadline) {
          var pending = failure('NOT_CONFIRMED', 'the payment is not confirmed yet; check the order again later', { retryable: true });
          if (r.ok) pending.order = r.order;
          return pending;
        }
        return sleep(pollIntervalMs).then(once);
      });
    }
    return once();
  }

  /** Logs in, asks partnerpay for payment parameters (one fresh login if the code is refused), and pays. */
  function pay(input) {
    var orderId = input && input.orderId;
    var clientSecret = input && input.clientSecret;
    if (!orderId || !clientSecret) return Promise.resolve(failure('PARAM_ERROR', 'orderId and clientSecret are required'));
    var path = '/mp/v1/orders/' + encodeURIComponent(orderId) + '/pay';
    function attempt(retriesLeft) {
      return login().then(function (l) {
        if (l.error) return failure('LOGIN_FAILED', l.error, { retryable: true });
        return call('POST', path, { client_secret: clientSecret, code: l.code }).then(function (res) {
          if (res.status === 200) return res.body;
          if (res.body && res.body.code === 'INVALID_LOGIN_CODE' && retriesLeft > 0) return attempt(retriesLeft - 1);
          if (res.body && res.body.code === 'ORDER_PAID') return { alreadyPaid: true };
          return serverError(res);
        });
      });
    }
    return attempt(1).then(function (r) {
      if (r.ok === false) return r;
      if (r.alreadyPaid) return waitForResult(orderId, clientSecret);
      return requestPayment(r.payment).then(function (p) {
        if (!p.ok && p.cancelled) {
          var c = failure('USER_CANCELLED', 'the buyer closed the payment sheet', { retryable: true });
          c.order = r.order;
          return c;
        }
        // A failed sheet can still have paid (network loss after paying): the order decides.
        return waitForResult(orderId, clientSecret).then(function (result) {
          if (!p.ok && !result.ok && result.error.code === 'NOT_CONFIRMED') return failure('PAYMENT_FAILED', p.message);
          return result;
        });
      });
    });
  }

  /**
   * Polls `check` (your back end's read of GET /platform/v1/combined-orders/{combine_out_trade_no}: the
   * mini-program never holds the platform key) until the combined order is final or pollTimeoutMs passed.
   */
  function waitForCombined(check) {
    var deadline = Date.now() + pollTimeoutMs;
    function once() {
      return Promise.resolve()
        .then(check)
        .then(
          function (c) {
            return { combinedOrder: c && c.combined_order ? c.combined_order : c };
          },
          function (err) {
            return { error: (err && err.message) || 'check failed' };
          },
        )
        .then(function (r) {
          var c = r.combinedOrder;
          if (c && c.state === 'SUCCESS') return { ok: true, combinedOrder: c };
          if (c && (c.state === 'CLOSED' || c.state === 'PARTIAL')) {
            var f =
              c.state === 'CLOSED'
                ? failure('ORDER_CLOSED', 'the combined order is closed')
                : failure('PARTIALLY_PAID', 'some sub-orders were paid and others were not: the shops refund what was paid');
            f.combinedOrder = c;
            return f;
          }
          if (Date.now() >= deadline) {
            var pending = failure('NOT_CONFIRMED', r.error || 'the payment is not confirmed yet; check the combined order again later', {
              retryable: true,
            });
            if (c) pending.combinedOrder = c;
            return pending;
          }
          return sleep(pollIntervalMs).then(once);
        });
    }
    return once();
  }

  /**
   * Pays a combined order (合单) of several shops: `payment` is what your back end got from
   * POST /platform/v1/combined-orders (signed for the ISV's own AppID: call this in the ISV's
   * mini-program), `check` a function that asks your back end for the combined order. The sheet's
   * success is not proof: the combined order's state decides.
   */
  function payCombined(input) {
    var payment = input && input.payment;
    var check = input && input.check;
    if (!payment || !payment.package || typeof check !== 'function')
      return Promise.resolve(
        failure('PARAM_ERROR', 'payment (from POST /platform/v1/combined-orders, via your back end) and check (a function) are required'),
      );
    return requestPayment(payment).then(function (p) {
      if (!p.ok && p.cancelled) return failure('USER_CANCELLED', 'the buyer closed the payment sheet', { retryable: true });
      return waitForCombined(check).then(function (result) {
        if (!p.ok && !result.ok && result.error.code === 'NOT_CONFIRMED') return failure('PAYMENT_FAILED', p.message);
        return result;
      });
    });
  }

  return { pay: pay, getOrder: getOrder, waitForResult: waitForResult, payCombined: payCombined, waitForCombined: waitForCombined };
}

module.exports = { createCheckout: createCheckout };
