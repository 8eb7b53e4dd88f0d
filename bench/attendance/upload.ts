import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { basename } from 'node:path';
import type { BenchInstitution } from './attendance-seed.js';

export type SubmissionState = {
  id: number;
  status: string;
  recognised?: boolean;
  counts: {
    read: number;
    imported: number;
    duplicate: number;
    rejected: number;
    unmatched: number;
  };
  links: { self: string };
  error: { code: string; message: string } | null;
};

/** An access token for the institution's app (client credentials), as its system gets one. */
export async function appToken(hubUrl: string, institution: BenchInstitution): Promise<string> {
  const basic = Buffer.from(`${institution.clientId}:${institution.clientSecret}`);
  const response = await fetch(`${hubUrl}/oidc/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic.toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Streams a file from disk as a multipart upload, as a browser or an institution's system does. */
export async function uploadFile(
  hubUrl: string,
  code: string,
  token: string,
  path: string,
): Promise<SubmissionState> {
  const boundary = `bench${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; ` +
      `filename="${basename(path)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const size = (await stat(path)).size;

  return new Promise((resolve, reject) => {
    const req = request(`${hubUrl}/api/institutions/${code}/submissions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + size + tail.length),
      },
    });
    req.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => {
        if ((response.statusCode ?? 0) >= 300) {
          reject(new Error(`upload answered ${response.statusCode}: ${body}`));
        } else resolve(JSON.parse(body) as SubmissionState);
      });
    });
    req.on('error', reject);
    req.write(head);
    const file = createReadStream(path);
    file.on('error', reject);
    file.on('end', () => req.end(tail));
    file.pipe(req, { end: false });
  });
}

/** Polls the submission until it is accounted for (or refused or failed). */
export async function settled(
  hubUrl: string,
  token: string,
  state: SubmissionState,
): Promise<SubmissionState> {
  let current = state;
  while (current.status === 'queued' || current.status === 'processing') {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const response = await fetch(`${hubUrl}${current.links.self}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    current = (await response.json()) as SubmissionState;
  }
  return current;
}
