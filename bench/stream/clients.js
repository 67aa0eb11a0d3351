// bench/stream's subscribers, in a worker thread: `count` WebSocket clients, each subscribed to
// the workflow `fan`; every event's receive time is kept per (run, type, step). Replies "ready"
// once all are subscribed, then, told how many events to expect, the receive times once every
// client has them all.
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

if (!parentPort) throw new Error('bench/stream/clients.js runs in a worker thread: start bench/stream/run.js');
const port = parentPort;
const { url, token, count } = workerData;
const now = () => performance.timeOrigin + performance.now();
const received = {};
let total = 0;
let expected = Number.POSITIVE_INFINITY;
let firstAt = 0;
let lastAt = 0;

function check() {
  if (total >= expected * count) {
    port.postMessage({ received, seconds: (lastAt - firstAt) / 1000 });
    expected = Number.POSITIVE_INFINITY;
  }
}

function open() {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/stream`, {
      headers: { authorization: `Bearer ${token}` },
    });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'subscribed') return resolve(socket);
      if (message.type !== 'event') return;
      const at = now();
      const e = message.event;
      const key = `${e.runId}|${e.type}|${e.stepKey ?? ''}`;
      let times = received[key];
      if (!times) {
        times = [];
        received[key] = times;
      }
      times.push(at);
      if (total === 0) firstAt = at;
      lastAt = at;
      total++;
      check();
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'subscribe', id: 'fan', workflow: 'fan' })));
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => reject(new Error(`upgrade refused: ${response.statusCode} ${body}`)));
    });
    socket.on('error', reject);
  });
}

const started = now();
for (let i = 0; i < count; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, count - i) }, open));
}
port.postMessage({ connectMs: now() - started });
port.on('message', (message) => {
  if (message.type === 'expect') {
    expected = message.events;
    check();
  }
});
