import type {STSClient} from '@aws-sdk/client-sts'

/** The caller's account id (STS GetCallerIdentity). SDK failures are left to the caller to name. */
export async function callerAccountId(sts: STSClient): Promise<string> {
  const {GetCallerIdentityCommand} = await import('@aws-sdk/client-sts')
  const identity = await sts.send(new GetCallerIdentityCommand({}))
  if (!identity.Account) throw new Error('STS GetCallerIdentity returned no account')
  return identity.Account
}
