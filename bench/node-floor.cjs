'use strict';
// The floor of any Node.js client on three shapes of bench/scenarios/throughput-peers.ts:
// only the per-object work a client cannot avoid, so its time is a lower bound for blob (or any
// other Node client) on the same machine and server. Built-ins only, started with plain `node`:
//   node bench/node-floor.cjs get-file PLAN.json  GET one large object as 64 MiB ranges, 4 at a
//                                                 time, each written at its offset into a temp
//                                                 file beside `path` (fsync, rename), as blob does
//   node bench/node-floor.cjs get-dir PLAN.json   GET each url into a temp file beside `path`
//                                                 (open wx, positional writes, fdatasync, close,
//                                                 rename: blob's durability), 32 at a time
//   node bench/node-floor.cjs put-dir PLAN.json DIR
//                                                 walk DIR (readdir, a stat per file), read each
//                                                 file whole, SHA-256 it as a client signing its
//                                                 payload must, and PUT it to its `url` (the hash
//                                                 is not sent: a presigned URL's payload is unsigned)
// PLAN.json is [{ "url", "path" }] with presigned URLs made beforehand by the harness: the floor
// leaves out what blob must also do (listing, SigV4 signing, the AWS SDK's start-up), so blob ÷
// floor shows how close blob comes and floor ÷ s5cmd what is left for Node at all. One request per
// connection (versitygw closes every connection anyway).
const net = require('node:net');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');
const { createHash } = require('node:crypto');

const CONCURRENCY = 32;
const READ_BUFFER = 256 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

/** One HTTP/1.1 exchange on a fresh socket; `onBody(buf, start, end)` gets the body as it arrives. */
function exchange(url, method, body, onBody, extraHeaders = '') {
  return new Promise((resolve, reject) => {
    const buffer = Buffer.allocUnsafe(READ_BUFFER);
    let head = Buffer.alloc(0);
    let left = -1;
    const socket = net.connect({
      host: url.hostname,
      port: Number(url.port || 80),
      onread: {
        buffer,
        callback(n) {
          let off = 0;
          if (left < 0) {
            head = Buffer.concat([head, buffer.subarray(0, n)]);
            const end = head.indexOf(HEAD_END);
            if (end < 0) return true;
            const text = head.toString('latin1', 0, end);
            const status = Number(text.slice(9, 12));
            if (status < 200 || status > 299) return void socket.destroy(new Error(`${method} ${url.pathname}: HTTP ${status}`));
            const length = /\r\ncontent-length:\s*(\d+)/i.exec(text);
            if (!length) return void socket.destroy(new Error(`${method} ${url.pathname}: no Content-Length`));
            left = Number(length[1]);
            // The body bytes that came with the head are still in `head`; hand them on.
            const rest = head.subarray(end + 4);
            if (rest.length) onBody(rest, 0, rest.length);
            left -= rest.length;
            off = n;
          }
          if (n > off) {
            onBody(buffer, off, n);
            left -= n - off;
          }
          if (left === 0) {
            socket.destroy();
            resolve();
          }
          return true;
        },
      },
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`${method} ${url.pathname}: connection closed early`)));
    const headers = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: ${body ? body.length : 0}\r\n${extraHeaders}\r\n`;
    socket.write(body ? Buffer.concat([Buffer.from(headers, 'latin1'), body]) : headers);
  });
}

async function getOne({ url, path: dest }) {
  const tmp = `${dest}.floor-partial`;
  const fh = await fsp.open(tmp, 'wx');
  let pos = 0;
  await exchange(new URL(url), 'GET', undefined, (buf, start, end) => {
    fs.writeSync(fh.fd, buf, start, end - start, pos);
    pos += end - start;
  });
  await fh.datasync();
  await fh.close();
  await fsp.rename(tmp, dest);
}

const RANGE = 64 * 1024 * 1024;
const RANGES_IN_FLIGHT = 4;

async function getFile({ url, path: dest, size }) {
  const tmp = `${dest}.floor-partial`;
  const fd = fs.openSync(tmp, 'wx');
  const starts = [];
  for (let s = 0; s < size; s += RANGE) starts.push(s);
  let next = 0;
  const lane = async () => {
    while (next < starts.length) {
      const start = starts[next++];
      const end = Math.min(size, start + RANGE) - 1;
      let pos = start;
      await exchange(new URL(url), 'GET', undefined, (buf, a, b) => {
        fs.writeSync(fd, buf, a, b - a, pos);
        pos += b - a;
      }, `Range: bytes=${start}-${end}\r\n`);
      if (pos !== end + 1) throw new Error(`range ${start}-${end} ended at ${pos}`);
    }
  };
  await Promise.all(Array.from({ length: RANGES_IN_FLIGHT }, lane));
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, dest);
}

async function putOne({ url, path: file, size }) {
  const body = await fsp.readFile(file);
  if (body.length !== size) throw new Error(`${file} changed size`);
  // The payload hash a SigV4 client computes; a presigned URL cannot carry it (it signs UNSIGNED-PAYLOAD).
  if (createHash('sha256').update(body).digest('hex').length !== 64) throw new Error('sha256');
  await exchange(new URL(url), 'PUT', body, () => undefined);
}

/** put-dir's own work list: the tree walked and each file stat'ed, matched to its presigned URL. */
async function walk(dir, plan) {
  const urls = new Map(plan.map((p) => [p.path, p.url]));
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? e.path, e.name));
  const work = [];
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const file = files[next++];
      const { size } = await fsp.stat(file);
      const url = urls.get(file);
      if (!url) throw new Error(`${file} has no URL in the plan`);
      work.push({ url, path: file, size });
    }
  };
  await Promise.all(Array.from({ length: 64 }, lane));
  if (work.length !== plan.length) throw new Error(`walked ${work.length} files, the plan has ${plan.length}`);
  return work;
}

async function main() {
  const [mode, planFile, dir] = process.argv.slice(2);
  const one = { 'get-file': getFile, 'get-dir': getOne, 'put-dir': putOne }[mode];
  if (!one || !planFile || (mode === 'put-dir' && !dir)) throw new Error('usage: node bench/node-floor.cjs get-file|get-dir PLAN.json | put-dir PLAN.json DIR');
  const listed = JSON.parse(fs.readFileSync(planFile, 'utf8'));
  const plan = mode === 'put-dir' ? await walk(path.resolve(dir), listed) : listed;
  if (mode === 'get-dir') for (const d of new Set(plan.map((p) => path.dirname(p.path)))) fs.mkdirSync(d, { recursive: true });
  let next = 0;
  const lane = async () => {
    while (next < plan.length) await one(plan[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, plan.length) }, lane));
}

main().catch((err) => {
  process.stderr.write(`node-floor: ${err.message}\n`);
  process.exit(1);
});
