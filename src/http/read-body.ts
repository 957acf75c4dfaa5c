import type { IncomingMessage } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { AppError } from '../core/errors';

const INFLATE_CHUNK = 256 * 1024;

/**
 * Reads a request body of at most `limit` bytes after decompression (gzip, deflate, br), so a
 * small compressed body cannot inflate past the limit. Rejects with 413 when it is larger, 415
 * for an unknown Content-Encoding, and 400 when the client aborts or the data is corrupt.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const tooLarge = (length: number | null) =>
      new AppError('body_too_large', `request body is larger than the limit of ${limit} bytes`, 413, { limit, length });
    let inflater: Transform | null = null;
    // Large output chunks: a body that inflates to the limit takes a few events, not hundreds.
    if (encoding === 'gzip' || encoding === 'x-gzip') inflater = createGunzip({ chunkSize: INFLATE_CHUNK });
    else if (encoding === 'deflate') inflater = createInflate({ chunkSize: INFLATE_CHUNK });
    else if (encoding === 'br') inflater = createBrotliDecompress({ chunkSize: INFLATE_CHUNK });
    else if (encoding !== 'identity' && encoding !== '') {
      req.resume();
      reject(new AppError('unsupported_encoding', `unsupported content encoding "${encoding.slice(0, 40)}"`, 415));
      return;
    }
    if (!inflater && Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(tooLarge(declared));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (error: AppError): void => {
      if (done) return;
      done = true;
      req.unpipe();
      inflater?.destroy();
      req.resume();
      reject(error);
    };
    const stream = inflater ? req.pipe(inflater) : req;
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) return fail(tooLarge(inflater ? null : size));
      chunks.push(chunk);
    });
    stream.on('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    stream.on('error', () => fail(new AppError('invalid_body', 'the request body could not be read or decompressed', 400)));
    req.on('aborted', () => fail(new AppError('request_aborted', 'the client aborted the request', 400)));
  });
}
