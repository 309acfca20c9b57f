import type { Request } from 'express';
import { CommunityError, CommunityErrorCode } from 'src/community/community.errors';

function tooLarge(limit: number, what: string): CommunityError {
  return new CommunityError(
    `${what} is larger than the ${limit} bytes a submission may have`,
    CommunityErrorCode.SubmissionTooLarge,
    {
      limitBytes: limit,
    },
  );
}

/**
 * The request body as text, refused (413) beyond `limit` bytes: first from Content-Length, before a
 * byte is read, then while streaming (a chunked body has no length to check). On refusal the rest
 * of the upload is not read and the connection is closed after the answer.
 */
export async function readBodyText(req: Request, limit: number): Promise<string> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.res?.setHeader('Connection', 'close');
    throw tooLarge(limit, `the body (Content-Length ${declared})`);
  }
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        req.res?.setHeader('Connection', 'close');
        reject(tooLarge(limit, 'the body'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      const buffer = Buffer.concat(chunks, size);
      const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
      try {
        resolve(text.decode(buffer));
      } catch {
        reject(new CommunityError('the body is not valid UTF-8', CommunityErrorCode.SubmissionMalformed));
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
