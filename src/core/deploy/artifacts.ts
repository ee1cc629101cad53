export interface S3Location {
  bucket: string
  key: string
}

/** Pure: S3 code locations in a template (CodeUri, ContentUri, Code, Content), sorted and without duplicates. */
export function codeLocationsIn(template: Record<string, unknown>): S3Location[] {
  const found = new Map<string, S3Location>()
  const add = (bucket: unknown, key: unknown) => {
    if (typeof bucket === 'string' && typeof key === 'string') found.set(`${bucket}/${key}`, {bucket, key})
  }
  for (const resource of Object.values((template.Resources ?? {}) as Record<string, {Properties?: Record<string, unknown>}>)) {
    const properties = resource?.Properties ?? {}
    for (const name of ['CodeUri', 'ContentUri', 'Code', 'Content']) {
      const value = properties[name]
      if (typeof value === 'string') {
        const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(value)
        if (match) add(match[1], match[2])
      } else if (value !== null && typeof value === 'object') {
        const location = value as Record<string, unknown>
        add(location.S3Bucket ?? location.Bucket, location.S3Key ?? location.Key)
      }
    }
  }
  return [...found.values()].sort((a, b) => (`${a.bucket}/${a.key}` < `${b.bucket}/${b.key}` ? -1 : 1))
}
