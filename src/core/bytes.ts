/**
 * The one way lpack writes a size for people: binary units with their IEC names (1 KiB = 1024 bytes), one
 * decimal above a KiB — Lambda's limits are binary too (50 MiB zipped, 250 MiB unzipped). Machines get bytes.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GiB`
}
