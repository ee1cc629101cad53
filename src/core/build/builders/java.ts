import {open, stat} from 'node:fs/promises'
import {basename, join, relative} from 'node:path'

import {LpackError} from '../../../errors.js'
import type {ZipEntry} from '../../package/zip.js'
import type {SourceFile} from '../files.js'
import type {BuildContext, BuildPlan, BuildUnit, BuiltContent, RuntimeBuilder} from '../types.js'
import {listUnitFiles} from './copy.js'
import {extractArchive, fatJarEvidence, handlerClassFile, isLibJarPath, listArchiveEntries} from './java-jar.js'
import {javaProjectInputs, javaProjectKind, runJavaBuildTool, type JavaToolOutput} from './java-tools.js'
import {LAYER_PREFIX} from './layer.js'

/**
 * Java functions and layers in the layout Lambda unpacks fastest (LAMBDA-FACTS.md, "Package layouts"):
 * compiled classes and resources at the zip root, every dependency jar in `lib/`; for layers, `java/lib/*.jar`.
 *
 * The code may be a Maven or Gradle project (built with the tool), a folder of classes and jars, or a jar. A
 * thin jar holding the handler is unpacked to the root; a fat jar is refused unless `AllowFatJar: true`.
 */
export const javaBuilder: RuntimeBuilder = {
  name: 'java',
  fingerprint: async (unit) => ({builder: 'java', layout: 1, allowFatJar: allowsFatJar(unit)}),
  discoverInputs: async (unit, plan) => (await javaInputs(unit, plan)).map((f) => f.file),
  async build(unit, context): Promise<BuiltContent> {
    const inputs = await javaInputs(unit, context.plan)
    const kind = await javaProjectKind(unit)
    // Each jar's listing is read once per build: finding the handler and checking the layout both need it.
    const listings = new Map<string, Promise<string[]>>()
    const listJar: ListJar = (file) => listings.get(file) ?? listings.set(file, listArchiveEntries(file, unit.logicalId)).get(file)!
    const built =
      kind === 'maven' || kind === 'gradle'
        ? await fromToolOutput(unit, await runJavaBuildTool(unit, kind, context))
        : await fromPrebuilt(unit, context, kind === 'archive' ? [{file: unit.codePath, path: basename(unit.codePath), executable: false}] : inputs, listJar)
    if (unit.kind === 'function') await checkFunctionLayout(unit, built, listJar)
    else checkLayerLayout(unit, built)
    // Jars are zips already: deflating them again costs time and saves nothing.
    const entries = built.map((entry) => (/\.jar$/i.test(entry.path) ? {...entry, compress: false} : entry))
    return {entries, inputFiles: inputs.map((f) => f.file), largestInputs: await largestEntries(entries)}
  },
}

/** The files whose content decides a Java unit's output: the project's sources, or the prebuilt files. */
type ListJar = (file: string) => Promise<string[]>

async function javaInputs(unit: BuildUnit, plan: BuildPlan): Promise<SourceFile[]> {
  const kind = await javaProjectKind(unit)
  if (kind === 'archive') return [{file: unit.codePath, path: basename(unit.codePath), executable: false}]
  if (kind === 'maven' || kind === 'gradle') return javaProjectInputs(unit, plan, kind)
  return (await listUnitFiles(unit, plan)).files
}

function allowsFatJar(unit: BuildUnit): boolean {
  const value = unit.buildProperties.AllowFatJar
  return value === true || value === 'true'
}

/** A build tool's classes and runtime jars in the Lambda layout (for a layer: every jar in `java/lib/`). */
async function fromToolOutput(unit: BuildUnit, output: JavaToolOutput): Promise<ZipEntry[]> {
  if (unit.kind === 'layer') {
    return [...output.dependencyJars, ...output.projectJars].map((jar) => ({path: `${LAYER_PREFIX.java}/${basename(jar)}`, sourceFile: jar}))
  }
  return [
    ...output.classFiles.map((f) => ({path: f.path, sourceFile: f.file, executable: f.executable})),
    ...output.dependencyJars.map((jar) => ({path: `lib/${basename(jar)}`, sourceFile: jar})),
  ]
}

/**
 * Restructures prebuilt files: class files and resources keep their paths, dependency jars go to `lib/`, and
 * the jar holding the handler class (a thin application jar) is unpacked to the root. Layers: jars to
 * `java/lib/` unless they are there already.
 */
async function fromPrebuilt(unit: BuildUnit, context: BuildContext, files: readonly SourceFile[], listJar: ListJar): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = []
  const jars: SourceFile[] = []
  for (const file of files) {
    if (/\.jar$/i.test(file.path) || file.file === unit.codePath) jars.push(file)
    else entries.push({path: file.path, sourceFile: file.file, executable: file.executable})
  }
  if (jars.length === 0 && !entries.some((e) => e.path.endsWith('.class'))) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${unit.codePath} holds no pom.xml, build.gradle, compiled classes or jars`, {
      hint: `Point ${unit.codeProperty} at the Maven project (the folder with pom.xml), the Gradle project, or the compiled classes and dependency jars.`,
    })
  }
  if (unit.kind === 'layer') {
    for (const jar of jars) {
      const path = jar.path.startsWith(`${LAYER_PREFIX.java}/`) ? jar.path : `${LAYER_PREFIX.java}/${basename(jar.path)}`
      entries.push({path, sourceFile: jar.file})
    }
    return entries
  }

  const classFile = handlerClassFile(unit.handler)
  const handlerAtRoot = classFile !== undefined && entries.some((e) => e.path === classFile)
  const libJars = new Map<string, string>()
  for (const [index, jar] of jars.entries()) {
    const names = await listJar(jar.file)
    const isApplicationJar = !handlerAtRoot && classFile !== undefined && names.includes(classFile)
    // A zip (or a jar given as CodeUri) is a whole package: its entries are the package.
    const isWholePackage = jar.file === unit.codePath
    if (isApplicationJar || isWholePackage) {
      const evidence = fatJarEvidence(names, classFile)
      if (evidence && !allowsFatJar(unit)) throw fatJarError(unit, jar, evidence)
      const unpacked = await extractArchive(jar.file, join(context.scratchDir, `unpacked-${index}`), unit.logicalId)
      entries.push(...unpacked.map((f) => ({path: f.path, sourceFile: f.file, executable: f.executable})))
      continue
    }
    const name = basename(jar.path)
    const other = libJars.get(name)
    if (other !== undefined) {
      throw new LpackError('BUILD_FAILED', `${unit.logicalId}: two dependency jars named ${name} (${other} and ${jar.path}) would both go to lib/${name}`, {
        hint: 'Keep one version of each dependency in the code folder.',
      })
    }
    libJars.set(name, jar.path)
    entries.push({path: `lib/${name}`, sourceFile: jar.file})
  }
  return entries
}

function fatJarError(unit: BuildUnit, jar: SourceFile, evidence: string): LpackError {
  const shown = relative(process.cwd(), jar.file) || jar.file
  return new LpackError(
    'BUILD_FAILED',
    `${unit.logicalId}: ${shown} is a fat jar (${evidence}). Lambda starts Java functions faster from classes at the zip root and each dependency jar in lib/.`,
    {
      hint:
        `Point ${unit.codeProperty} at the project folder (pom.xml or build.gradle) and lpack builds that layout itself (mvn package dependency:copy-dependencies -DincludeScope=runtime), ` +
        'or at a folder with your classes or thin jar plus the dependency jars (what "mvn dependency:copy-dependencies" writes to target/dependency). ' +
        'To deploy the fat jar anyway, set Metadata.BuildProperties.AllowFatJar: true.',
      details: {logicalId: unit.logicalId, jar: jar.file},
    },
  )
}

/**
 * Checks every Java function package before it is zipped: jars only as `lib/<name>.jar`, no jar with jars
 * nested in it, and the handler's class present (at the root or in a lib jar) — a missing class would only
 * show at the first invoke otherwise.
 */
async function checkFunctionLayout(unit: BuildUnit, entries: readonly ZipEntry[], listJar: ListJar): Promise<void> {
  const misplaced = entries.filter((e) => /\.jar$/i.test(e.path) && !isLibJarPath(e.path)).map((e) => e.path)
  if (misplaced.length > 0) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: jar files outside lib/ in the package: ${misplaced.join(', ')}`, {
      hint: 'Lambda loads dependency jars from lib/ only; put each dependency jar in lib/ (or let lpack build the project).',
    })
  }
  const classFile = handlerClassFile(unit.handler)
  let inLibJar = false
  for (const entry of entries.filter((e) => isLibJarPath(e.path))) {
    const names = await listJar(entry.sourceFile!)
    const nested = names.filter((name) => /\.jar$/i.test(name))
    if (nested.length > 0) {
      throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${entry.path} is a fat jar with ${nested.length} jars nested in it (${nested[0]}${nested.length > 1 ? ', …' : ''})`, {
        hint: 'Put each dependency jar in lib/ itself instead of a jar of jars: Lambda does not load nested jars.',
      })
    }
    if (classFile !== undefined && names.includes(classFile)) inLibJar = true
  }
  if (unit.handler === undefined) return
  if (classFile === undefined) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: Handler '${unit.handler}' is not a Java class name`, {
      hint: 'A Java handler is package.Class::method (or package.Class implementing RequestHandler).',
    })
  }
  const atRoot = entries.find((e) => e.path === classFile)
  if (!inLibJar && !atRoot) {
    const className = classFile.slice(0, -'.class'.length).replaceAll('/', '.')
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: handler class ${className} is not in the package (no ${classFile} at the root or in lib/*.jar)`, {
      hint: `Check the Handler '${unit.handler}' against the class's package and name, and that the class compiles into ${unit.codeProperty}.`,
      details: {logicalId: unit.logicalId, handler: unit.handler, expected: classFile},
    })
  }
  if (atRoot?.sourceFile) await checkClassVersion(unit, atRoot.sourceFile, classFile)
}

/** Newest class file major version each Java runtime loads (Java 8 = 52, then one per release). */
const RUNTIME_CLASS_VERSION: Readonly<Record<string, number>> = {'java8.al2': 52, java11: 55, java17: 61, java21: 65, java25: 69}

/** A class compiled for a newer Java than the runtime fails at the first invoke (UnsupportedClassVersionError). */
async function checkClassVersion(unit: BuildUnit, file: string, classFile: string): Promise<void> {
  const newest = unit.runtime ? RUNTIME_CLASS_VERSION[unit.runtime] : undefined
  if (newest === undefined) return
  const handle = await open(file, 'r')
  const header = Buffer.alloc(8)
  try {
    await handle.read(header, 0, 8, 0)
  } finally {
    await handle.close()
  }
  if (header.readUInt32BE(0) !== 0xcafebabe) return
  const major = header.readUInt16BE(6)
  if (major > newest) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${classFile} is compiled for Java ${major - 44}, but the runtime ${unit.runtime} runs Java ${newest - 44} at most`, {
      hint: `Compile with --release ${newest - 44} (maven.compiler.release), or choose a newer Java runtime.`,
    })
  }
}

function checkLayerLayout(unit: BuildUnit, entries: readonly ZipEntry[]): void {
  const misplaced = entries.filter((e) => /\.jar$/i.test(e.path) && !new RegExp(`^${LAYER_PREFIX.java}/[^/]+\\.jar$`, 'i').test(e.path)).map((e) => e.path)
  if (misplaced.length > 0) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: jar files outside ${LAYER_PREFIX.java}/ in the Java layer: ${misplaced.join(', ')}`, {
      hint: `Lambda adds /opt/${LAYER_PREFIX.java}/*.jar to the class path; put the layer's jars there.`,
    })
  }
}

async function largestEntries(entries: readonly ZipEntry[]): Promise<{path: string; bytes: number}[]> {
  const sized = await Promise.all(entries.map(async (e) => ({path: e.path, bytes: e.sourceFile ? (await stat(e.sourceFile)).size : 0})))
  return sized.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1)).slice(0, 5)
}
