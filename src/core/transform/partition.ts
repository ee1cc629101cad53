/** The AWS partition a region belongs to (AWS::Partition; ARNs of managed policies). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov')) return 'aws-us-gov'
  if (region.startsWith('us-isob')) return 'aws-iso-b'
  if (region.startsWith('us-iso')) return 'aws-iso'
  if (region.startsWith('eusc-')) return 'aws-eusc'
  return 'aws'
}
