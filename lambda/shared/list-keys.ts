import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

/**
 * Keys in a listing are XML text: XML turns a \r in a key into \n and cannot carry most other
 * control characters at all. Listed with EncodingType url and decoded here (`+` is a space, as
 * botocore decodes it), every key S3 accepts comes back exactly, so the read that follows finds it.
 */
export const decodeListedKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

/** Every key under `prefix`, exact (see decodeListedKey), page by page, never all held at once. */
export async function* listKeys(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, EncodingType: 'url' }));
    for (const o of res.Contents ?? []) if (o.Key !== undefined) yield decodeListedKey(o.Key);
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
}
