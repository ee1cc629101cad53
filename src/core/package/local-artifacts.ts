import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {mkdtemp, open, readFile, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {basename, dirname, extname, join, resolve} from 'node:path'

import {LpackError} from '../../errors.js'
import {listOutputFiles} from '../build/files.js'
import {parseTemplate} from '../template/load.js'
import {findLocalPaths, type LocalPathRef, setAtPath} from '../template/local-paths.js'
import {formatPath} from '../template/template.js'
import {contentKey} from './plan.js'
import {objectUrl} from './template-body.js'
import type {ContentUpload} from './upload.js'
import {writeDeterministicZip} from './zip.js'

/** One local file, folder or nested template put in S3 by `lpack package`. */
export interface LocalArtifactUpload extends ContentUpload {
  /** The resource (or `AWS::Include`, a Metadata section) whose property pointed at it. */
  logicalId: string
  /** The property, as a template path (`Resources/Api/Properties/DefinitionUri`). */
  property: string
}

export interface LocalArtifactsOptions {
  bucket: string
  prefix?: string
  region: string
  /** The S3 endpoint when it is not AWS's (nested template URLs are then path-style on it). */
  customEndpoint?: string
}

/**
 * Plans the upload of every local path in `template` other than built code (template/local-paths.ts): folders
 * are zipped (deterministically), files are uploaded as they are, nested templates are packaged recursively and
 * uploaded as YAML, each under its content key (`<prefix>/<sha256>.<ext>`). Returns the template with S3
 * locations and the uploads to make; nothing is uploaded here. Zips are written to a scratch folder the caller
 * removes with `cleanUp`.
 */
export async function planLocalArtifacts(
  template: Record<string, unknown>,
  templateDir: string,
  options: LocalArtifactsOptions,
): Promise<{template: Record<string, unknown>; uploads: LocalArtifactUpload[]; cleanUp: () => Promise<void>}> {
  let scratch: string | undefined
  const session: Session = {
    options,
    uploads: new Map(),
    scratchDir: async () => (scratch ??= await mkdtemp(join(tmpdir(), 'lpack-package-'))),
    zipCount: 0,
  }
  const cleanUp = async () => void (scratch && (await rm(scratch, {recursive: true, force: true})))
  try {
    const packaged = await packageTemplate(template, templateDir, session, {includeCode: false, chain: [], where: ''})
    return {template: packaged, uploads: [...session.uploads.values()], cleanUp}
  } catch (error) {
    await cleanUp()
    throw error
  }
}

interface Session {
  options: LocalArtifactsOptions
  /** By S3 key: the same content referenced twice is uploaded once. */
  uploads: Map<string, LocalArtifactUpload>
  scratchDir: () => Promise<string>
  zipCount: number
}

async function packageTemplate(
  source: Record<string, unknown>,
  templateDir: string,
  session: Session,
  context: {includeCode: boolean; chain: readonly string[]; where: string},
): Promise<Record<string, unknown>> {
  const template = structuredClone(source)
  for (const ref of findLocalPaths(template, {includeCode: context.includeCode})) {
    const location = await packageRef(ref, resolve(templateDir, ref.value), session, context)
    setAtPath(template, ref.path, location)
  }
  return template
}

/**
 * Uploads one path and returns its S3 location. `where` names the nested template the path is in (`Resources/Nested/
 * Properties/TemplateURL → `), so properties of nested templates are told apart in messages and results.
 */
async function packageRef(ref: LocalPathRef, file: string, session: Session, {chain, where}: {chain: readonly string[]; where: string}): Promise<unknown> {
  const {bucket, prefix} = session.options
  const property = where + formatPath(ref.path)
  const info = await stat(file).catch(() => undefined)
  if (!info) {
    throw new LpackError('FILE_NOT_FOUND', `${property}: ${ref.value} does not exist (${file})`, {
      hint: 'Paths in the template are relative to its folder; after `lpack build`, to the build folder. Fix the path and build again.',
      details: {property, path: ref.value, file},
    })
  }
  const add = (upload: Omit<LocalArtifactUpload, 'logicalId' | 'property' | 'label'>) => {
    if (!session.uploads.has(upload.key)) session.uploads.set(upload.key, {...upload, logicalId: ref.owner, property, label: `${ref.owner} ${ref.path[ref.path.length - 1]}`})
    return upload.key
  }

  if (ref.shape.kind === 'template-url') {
    if (!info.isFile()) throw new LpackError('FILE_NOT_FOUND', `${property}: the nested template ${ref.value} is not a file (${file})`)
    if (chain.includes(file)) {
      throw new LpackError('TEMPLATE_INVALID', `${property}: the nested template ${file} includes itself (${[...chain, file].join(' → ')})`)
    }
    const nested = await readNestedTemplate(file, property)
    const packaged = await packageTemplate(nested, dirname(file), session, {includeCode: true, chain: [...chain, file], where: `${property} → `})
    const {serializeTemplateYaml} = await import('../template/serialize.js')
    const body = Buffer.from(serializeTemplateYaml(packaged), 'utf8')
    const key = add({key: contentKey(prefix, sha256(body), 'template.yaml'), sha256: sha256(body), body, contentType: 'application/x-yaml'})
    return objectUrl(bucket, key, session.options.region, session.options.customEndpoint)
  }

  let key: string
  if (info.isDirectory() || (ref.forceZip && !(await isZipFile(file)))) {
    const entries = info.isDirectory()
      ? (await listOutputFiles(file, {owner: ref.owner})).map((f) => ({path: f.path, sourceFile: f.file, executable: f.executable}))
      : [{path: basename(file), sourceFile: file, executable: (info.mode & 0o111) !== 0}]
    const zip = await writeDeterministicZip(entries, join(await session.scratchDir(), `${session.zipCount++}.zip`))
    key = add({key: contentKey(prefix, zip.sha256, 'zip'), sha256: zip.sha256, file: zip.file, contentType: 'application/zip'})
  } else {
    const digest = await sha256File(file)
    key = add({key: contentKey(prefix, digest, extensionOf(file)), sha256: digest, file})
  }
  return ref.shape.kind === 's3-uri' ? `s3://${bucket}/${key}` : {[ref.shape.bucket]: bucket, [ref.shape.key]: key}
}

async function readNestedTemplate(file: string, property: string): Promise<Record<string, unknown>> {
  const loaded = parseTemplate(await readFile(file), file)
  const error = loaded.diagnostics.find((d) => d.severity === 'error')
  if (!loaded.template || error) {
    throw new LpackError('TEMPLATE_INVALID', `${property}: the nested template ${file} cannot be read${error ? `: ${error.line}:${error.column} ${error.message}` : ''}`, {
      hint: 'Run `lpack validate` on it for every problem with its position.',
    })
  }
  return loaded.template.value
}

/** The key's extension: the file's own (`yaml`, `graphql`, `js`), or `bin` when it has none that is plain. */
function extensionOf(file: string): string {
  const extension = extname(file).slice(1).toLowerCase()
  return /^[a-z0-9]{1,16}$/.test(extension) ? extension : 'bin'
}

async function isZipFile(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const {buffer, bytesRead} = await handle.read(Buffer.alloc(4), 0, 4, 0)
    return bytesRead === 4 && buffer.readUInt32LE(0) === 0x04034b50
  } finally {
    await handle.close()
  }
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
