import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startTestApp, type TestApp } from '../../support/app';
import { admin } from '../../support/tenancy';

let t: TestApp;

before(async () => {
  t = await startTestApp({ server: { headersTimeoutMs: 1000, requestTimeoutMs: 2000 } });
});
after(() => t.close());

/** A raw connection to the app; `answer` resolves with everything the server sent once it closed (bounded: 30 s). */
function rawConnection(): Promise<{ socket: Socket; answer: Promise<string> }> {
  const { port } = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      const answer = new Promise<string>((done, fail) => {
        let got = '';
        const bound = setTimeout(() => fail(new Error(`no answer in 30 s; got so far: ${got.slice(0, 200)}`)), 30_000);
        socket.on('data', (d) => (got += d.toString('latin1')));
        socket.on('error', () => undefined); // the server may reset a connection it stopped reading
        socket.on('close', () => {
          clearTimeout(bound);
          done(got);
        });
      });
      resolve({ socket, answer });
    }).on('error', reject);
  });
}

test('When a client sends its headers too slowly, then it gets 408 REQUEST_TIMEOUT and the connection is closed', async () => {
  const { socket, answer } = await rawConnection();
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'); // the blank line never comes
  const got = await answer;
  assert.match(got, /^HTTP\/1\.1 408 /);
  assert.match(got, /"code":"REQUEST_TIMEOUT"/);
});

test('When a client sends a body too slowly, then it gets 408 REQUEST_TIMEOUT and nothing is written', async () => {
  const { socket, answer } = await rawConnection();
  const [name, value] = admin(t);
  socket.write(
    `POST /admin/v1/tenants HTTP/1.1\r\nHost: x\r\n${name}: ${value}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"na`,
  );
  const got = await answer;
  assert.match(got, /^HTTP\/1\.1 408 /);
});

const BOUNDARY = 'xBOUNDARYx';
const formStart = (sp = '1900000109') =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="sp_mchid"\r\n\r\n${sp}\r\n` +
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`;

test('When an upload declares more than 2 MB, then it is refused before its body is read, and the connection is closed', async () => {
  const { socket, answer } = await rawConnection();
  const [name, value] = admin(t);
  socket.write(
    `POST /admin/v1/media HTTP/1.1\r\nHost: x\r\n${name}: ${value}\r\n` +
      `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n${formStart()}`,
  );
  const got = await answer; // the client never sends the 50 MB: only an early answer ends this
  assert.match(got, /^HTTP\/1\.1 400 /);
  assert.match(got, /[Cc]onnection: close/);
  assert.match(got, /larger than 2097152 bytes/);
});

test('When a chunked upload passes 2 MB, then it is refused at that point, without waiting for the rest, and the connection is closed', async () => {
  const { socket, answer } = await rawConnection();
  const [name, value] = admin(t);
  socket.write(
    `POST /admin/v1/media HTTP/1.1\r\nHost: x\r\n${name}: ${value}\r\n` +
      `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nTransfer-Encoding: chunked\r\n\r\n`,
  );
  socket.write(`${Buffer.byteLength(formStart()).toString(16)}\r\n${formStart()}\r\n`);
  const png = Buffer.alloc(256 * 1024, 0x41);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let i = 0; i < 12; i++) socket.write(Buffer.concat([Buffer.from(`${png.length.toString(16)}\r\n`), png, Buffer.from('\r\n')])); // 3 MB, never finished
  const got = await answer;
  assert.match(got, /^HTTP\/1\.1 400 /);
  assert.match(got, /larger than 2097152 bytes/);
});
