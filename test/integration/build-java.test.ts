import {cp, mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {buildProject} from '../../src/core/build/index.js'
import {LpackError} from '../../src/errors.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {run, runLpack} from '../support/cli.js'
import {unpackZip, zipEntries} from '../support/zip.js'
import {buildElsewhere, hasTool} from './build-layer-support.js'

// Java packages built from real javac output and a Debian jar (there is no Maven Central here), checked entry by
// entry, then run from the unpacked zip with `java -cp "root:lib/*"` as Lambda's Java runtime would load them.
const FIXTURES = fileURLToPath(new URL('../fixtures/build-java/', import.meta.url))
const COMMONS_LANG = '/usr/share/java/commons-lang3.jar'
const hasJdk = (await hasTool('javac', ['-version'])) && (await hasTool('jar', ['--version']))
const hasCommonsLang = await stat(COMMONS_LANG).then(
  () => true,
  () => false,
)
const canRun = hasJdk && hasCommonsLang
const hasMaven = await hasTool('mvn', ['--version'])
if (!canRun) console.warn(`build-java: skipped — needs javac and jar (a JDK) and ${COMMONS_LANG} (apt-get install -y default-jdk-headless libcommons-lang3-java)`)

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: java17, MemorySize: 512}
Resources:
  FromClasses:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: classes-and-jars/, Handler: com.example.Handler::handleRequest, Layers: [!Ref Libs]}
  FromThinJar:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: thin/, Handler: com.example.Handler::handleRequest}
  Libs:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layer-jars/, CompatibleRuntimes: [java17]}
    Metadata: {BuildMethod: java17}
`

let root: string
let project: string
/** Compiled once: com/example/Handler.class and greeting.properties. */
let classesDir: string
let runnerDir: string

async function invokeHandler(unpacked: string, input: string): Promise<string> {
  const {stdout} = await run('java', ['-cp', `${unpacked}:${unpacked}/lib/*:${runnerDir}`, 'LambdaRunner', 'com.example.Handler', 'handleRequest', input])
  return stdout.trim()
}

async function writeProject(dir: string): Promise<void> {
  await mkdir(join(dir, 'classes-and-jars/deps'), {recursive: true})
  await cp(classesDir, join(dir, 'classes-and-jars'), {recursive: true})
  await cp(COMMONS_LANG, join(dir, 'classes-and-jars/deps/commons-lang3.jar'))
  await mkdir(join(dir, 'thin'), {recursive: true})
  await run('jar', ['--create', '--file', join(dir, 'thin/app.jar'), '-C', classesDir, '.'])
  await cp(COMMONS_LANG, join(dir, 'thin/commons-lang3.jar'))
  await mkdir(join(dir, 'layer-jars'), {recursive: true})
  await cp(COMMONS_LANG, join(dir, 'layer-jars/commons-lang3.jar'))
  await writeFile(join(dir, 'template.yaml'), TEMPLATE)
}

beforeAll(async () => {
  if (!canRun) return
  root = await mkdtemp(join(tmpdir(), 'lpack-build-java-'))
  classesDir = join(root, 'compiled')
  runnerDir = join(root, 'runner')
  await run('javac', ['--release', '17', '-cp', COMMONS_LANG, '-d', classesDir, join(FIXTURES, 'src/com/example/Handler.java')])
  await writeFile(join(classesDir, 'greeting.properties'), 'greeting=Hello\n')
  await run('javac', ['--release', '17', '-d', runnerDir, join(FIXTURES, 'runner/LambdaRunner.java')])
  project = join(root, 'app')
  await writeProject(project)
}, 60_000)

afterAll(async () => {
  if (root) await rm(root, {recursive: true, force: true})
})

describe.skipIf(!canRun)('lpack build: Java (classes at the root, dependency jars in lib/)', () => {
  let builtShas: Map<string, string>

  it('restructures a folder of classes and jars, a thin jar with its dependencies, and a Java layer', async () => {
    const result = await buildProject({templateFile: join(project, 'template.yaml'), reporter: new RecordingReporter(), cache: false})
    builtShas = new Map(result.manifest.artifacts.map((a) => [a.logicalId, a.sha256]))
    const zip = (id: string) => join(result.buildDir, 'artifacts', `${id}.zip`)

    expect(await zipEntries(zip('FromClasses'))).toEqual([
      {path: 'com/example/Handler.class', mode: 0o644, date: new Date('1980-01-01T00:00:00Z')},
      {path: 'greeting.properties', mode: 0o644, date: new Date('1980-01-01T00:00:00Z')},
      {path: 'lib/commons-lang3.jar', mode: 0o644, date: new Date('1980-01-01T00:00:00Z')},
    ])
    // The thin application jar is unpacked to the root (its manifest with it); the dependency goes to lib/.
    expect((await zipEntries(zip('FromThinJar'))).map((e) => e.path)).toEqual([
      'META-INF/MANIFEST.MF',
      'com/example/Handler.class',
      'greeting.properties',
      'lib/commons-lang3.jar',
    ])
    expect((await zipEntries(zip('Libs'))).map((e) => e.path)).toEqual(['java/lib/commons-lang3.jar'])
    // A function's size counts its layers.
    const withLayer = result.sizes.find((s) => s.logicalId === 'FromClasses')!
    expect(withLayer.layerUnzippedBytes).toBe((await stat(COMMONS_LANG)).size)

    for (const id of ['FromClasses', 'FromThinJar']) {
      const unpacked = join(root, `unpacked-${id}`)
      await unpackZip(zip(id), unpacked)
      expect(await invokeHandler(unpacked, 'adbmal')).toBe('Hello, Lambda!')
    }
  })

  it('gives the same bytes in another folder, timezone and umask', async () => {
    const elsewhere = join(root, 'elsewhere')
    await writeProject(elsewhere)
    const manifest = await buildElsewhere(elsewhere)
    expect(new Map(manifest.artifacts.map((a) => [a.logicalId, a.sha256]))).toEqual(builtShas)
  })

  it('refuses a fat jar with an error that names the faster layout, and packages it when the user opts in', async () => {
    const dir = join(root, 'fat')
    const staging = join(dir, 'staging')
    await cp(classesDir, staging, {recursive: true})
    await run('sh', ['-c', `cd "${staging}" && jar --extract --file "${COMMONS_LANG}" && rm -rf META-INF`])
    await run('jar', ['--create', '--file', join(dir, 'app-all.jar'), '-C', staging, '.'])
    const template = (extra: string) => `Resources:
  Fat:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: app-all.jar, Handler: com.example.Handler::handleRequest, Runtime: java21}${extra}
`
    await writeFile(join(dir, 'template.yaml'), template(''))
    const error = await buildProject({templateFile: join(dir, 'template.yaml'), reporter: new RecordingReporter()}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LpackError)
    expect((error as LpackError).code).toBe('BUILD_FAILED')
    expect((error as LpackError).message).toMatch(/^Fat: .*app-all\.jar is a fat jar \(it holds \d+ classes outside the handler's package com\.example \(org\/apache\/commons\/lang3\//)
    expect((error as LpackError).hint).toContain('dependency:copy-dependencies')
    expect((error as LpackError).hint).toContain('AllowFatJar: true')
    await expect(stat(join(dir, '.lpack/build/manifest.json'))).rejects.toThrow()

    await writeFile(join(dir, 'template.yaml'), template('\n    Metadata: {BuildProperties: {AllowFatJar: true}}'))
    const result = await buildProject({templateFile: join(dir, 'template.yaml'), reporter: new RecordingReporter()})
    const zip = join(result.buildDir, 'artifacts/Fat.zip')
    const paths = (await zipEntries(zip)).map((e) => e.path)
    expect(paths).toContain('com/example/Handler.class')
    expect(paths).toContain('org/apache/commons/lang3/StringUtils.class')
    expect(paths.some((p) => p.endsWith('.jar'))).toBe(false)
    await unpackZip(zip, join(dir, 'unpacked'))
    expect(await invokeHandler(join(dir, 'unpacked'), 'tac')).toBe('Hello, Cat!')
  })

  it('fails with exit 1 when the handler class is not in the package, and writes no manifest', async () => {
    const dir = join(root, 'missing-class')
    await cp(join(project, 'classes-and-jars'), join(dir, 'code'), {recursive: true})
    await writeFile(join(dir, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: code/, Handler: com.example.OrderHandler::handleRequest, Runtime: java17}
`)
    const result = await runLpack(['build'], {cwd: dir})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('Orders: handler class com.example.OrderHandler is not in the package (no com/example/OrderHandler.class at the root or in lib/*.jar)')
    await expect(stat(join(dir, '.lpack/build/manifest.json'))).rejects.toThrow()
  })

  it('rejects classes compiled for a newer Java than the runtime', async () => {
    const dir = join(root, 'too-new')
    await cp(join(project, 'classes-and-jars'), join(dir, 'code'), {recursive: true})
    await writeFile(join(dir, 'template.yaml'), `Resources:
  Legacy:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: code/, Handler: com.example.Handler::handleRequest, Runtime: java11}
`)
    const error = (await buildProject({templateFile: join(dir, 'template.yaml'), reporter: new RecordingReporter()}).catch((e: unknown) => e)) as LpackError
    expect(error.message).toBe('Legacy: com/example/Handler.class is compiled for Java 17, but the runtime java11 runs Java 11 at most')
  })

  it('rejects a jar outside lib/ nested in a dependency jar, and a folder with nothing to build', async () => {
    const dir = join(root, 'bad-layouts')
    await cp(join(project, 'classes-and-jars'), join(dir, 'nested'), {recursive: true})
    const jarOfJars = join(dir, 'jar-of-jars')
    await mkdir(join(jarOfJars, 'inner'), {recursive: true})
    await cp(COMMONS_LANG, join(jarOfJars, 'inner/commons-lang3.jar'))
    await run('jar', ['--create', '--file', join(dir, 'nested/deps/bundle.jar'), '-C', jarOfJars, '.'])
    await mkdir(join(dir, 'empty'), {recursive: true})
    await writeFile(join(dir, 'empty/README.md'), 'nothing here\n')
    await writeFile(join(dir, 'template.yaml'), `Resources:
  Nested:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: nested/, Handler: com.example.Handler::handleRequest, Runtime: java17}
  Empty:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: empty/, Handler: com.example.Handler::handleRequest, Runtime: java17}
`)
    const error = (await buildProject({templateFile: join(dir, 'template.yaml'), reporter: new RecordingReporter()}).catch((e: unknown) => e)) as LpackError
    expect(error.code).toBe('BUILD_FAILED')
    const failures = (error.details?.failures ?? []) as {logicalId: string; message: string}[]
    expect(failures.map((f) => f.logicalId)).toEqual(['Empty', 'Nested'])
    expect(failures[0]!.message).toMatch(/^Empty: .*empty holds no pom\.xml, build\.gradle, compiled classes or jars$/)
    expect(failures[1]!.message).toBe('Nested: lib/bundle.jar is a fat jar with 1 jars nested in it (inner/commons-lang3.jar)')
  })

  it.skipIf(!hasMaven)('reports a Maven build that fails with the function, Maven\'s error and exit 1', async () => {
    const dir = join(root, 'broken-maven')
    await mkdir(join(dir, 'svc'), {recursive: true})
    await writeFile(join(dir, 'svc/pom.xml'), '<project><modelVersion>4.0.0</modelVersion><groupId>x</groupId>\n')
    await writeFile(join(dir, 'template.yaml'), `Resources:
  Broken:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: svc/, Handler: com.example.Handler::handleRequest, Runtime: java17}
`)
    const error = (await buildProject({templateFile: join(dir, 'template.yaml'), reporter: new RecordingReporter()}).catch((e: unknown) => e)) as LpackError
    expect(error.exitCode).toBe(1)
    expect(error.message).toMatch(/^Broken: Maven build failed in .*svc:\n\[ERROR\] Some problems were encountered while processing the POMs:\n.*\n.*Non-readable POM .*pom\.xml/)
    expect(error.hint).toContain('Run "mvn package" in')
  }, 60_000)
})

/**
 * The Maven path needs Maven to resolve its plugins without Maven Central (the fixture's .mvn/maven.config puts
 * Maven offline). A quick probe (the dependency plugin alone) decides; the test itself also skips, saying
 * why, if another plugin is missing.
 */
const mavenSkipReason = !canRun || !hasMaven ? 'mvn or the JDK is not installed' : await probeMavenOffline()
if (mavenSkipReason) console.warn(`build-java (Maven): skipped — this machine's Maven cannot build offline: ${mavenSkipReason}`)

async function probeMavenOffline(): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'lpack-maven-probe-'))
  try {
    await cp(join(FIXTURES, 'maven'), dir, {recursive: true})
    await run('mvn', ['--batch-mode', '--quiet', 'dependency:copy-dependencies', '-DincludeScope=runtime'], {cwd: dir, maxBuffer: 16 * 1024 * 1024})
    return undefined
  } catch (error) {
    const output = `${(error as {stdout?: string}).stdout ?? ''}\n${(error as {stderr?: string}).stderr ?? ''}`.replace(/\u001b\[[0-9;]*m/g, '')
    return (output.split('\n').find((line) => line.includes('[ERROR]')) ?? (error as Error).message).slice(0, 400)
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

describe.skipIf(mavenSkipReason !== undefined)('lpack build: Java from a Maven project', () => {
  it('runs mvn package + copy-dependencies and packages target/classes at the root and the runtime jars in lib/', async (context) => {
    const dir = join(root, 'maven-project')
    await cp(join(FIXTURES, 'maven'), join(dir, 'hello'), {recursive: true})
    await writeFile(join(dir, 'template.yaml'), `Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: hello/, Handler: com.example.Handler::handleRequest, Runtime: java17}
`)
    const built = await buildProject({templateFile: join(dir, 'template.yaml'), reporter: new RecordingReporter()}).catch((e: unknown) => e)
    if (built instanceof LpackError && /could not be resolved|offline mode|has not been downloaded/.test(built.message)) {
      const reason = built.message.split('\n').find((line) => line.startsWith('[ERROR]')) ?? built.message
      console.warn(`build-java (Maven): skipped — this machine's Maven cannot build offline: ${reason.slice(0, 400)}`)
      context.skip()
      return
    }
    if (built instanceof Error) throw built
    const result = built as Awaited<ReturnType<typeof buildProject>>
    const zip = join(result.buildDir, 'artifacts/Hello.zip')
    expect((await zipEntries(zip)).map((e) => e.path)).toEqual(['com/example/Handler.class', 'greeting.properties', 'lib/commons-lang3-3.12.0.jar'])
    await unpackZip(zip, join(dir, 'unpacked'))
    expect(await invokeHandler(join(dir, 'unpacked'), 'nevam')).toBe('Hello, Maven!')
    expect(JSON.parse(await readFile(join(result.buildDir, 'manifest.json'), 'utf8')).artifacts[0].runtime).toBe('java17')
  }, 90_000)
})
