import {constants} from 'node:fs'
import {access, readdir, rm, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {LpackError} from '../../../errors.js'
import {listOutputFiles, listSourceFiles, type SourceFile} from '../files.js'
import {lastLines, runTool} from '../run-tool.js'
import {allowsExternalSymlinks} from './copy.js'
import type {BuildContext, BuildPlan, BuildUnit} from '../types.js'

/** What a Java unit's code is: a project a build tool compiles, a folder of prebuilt files, or one jar/zip. */
export type JavaProjectKind = 'maven' | 'gradle' | 'folder' | 'archive'

/** What Maven or Gradle produced: compiled classes and resources, runtime dependency jars, the project's jar. */
export interface JavaToolOutput {
  classFiles: SourceFile[]
  dependencyJars: string[]
  projectJars: string[]
}

/** Decides how to build a Java unit from what its code path holds. */
export async function javaProjectKind(unit: BuildUnit): Promise<JavaProjectKind> {
  const info = await stat(unit.codePath).catch(() => undefined)
  if (!info) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${unit.codeProperty} not found: ${unit.codePath}`, {
      hint: `Fix ${unit.codeProperty} in the template; paths are relative to the template's folder.`,
    })
  }
  if (info.isFile()) {
    if (/\.(jar|zip)$/i.test(unit.codePath)) return 'archive'
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${unit.codeProperty} ${unit.codePath} is neither a folder, a jar nor a zip`, {
      hint: 'Point it at the Maven or Gradle project folder, a folder of classes and jars, or a jar.',
    })
  }
  if (await exists(join(unit.codePath, 'pom.xml'))) return 'maven'
  if ((await exists(join(unit.codePath, 'build.gradle'))) || (await exists(join(unit.codePath, 'build.gradle.kts')))) return 'gradle'
  return 'folder'
}

/** A project's own files (what the tool reads), without its build output. */
export async function javaProjectInputs(unit: BuildUnit, plan: BuildPlan, kind: 'maven' | 'gradle'): Promise<SourceFile[]> {
  const exclude = kind === 'maven' ? ['target/'] : ['build/', '.gradle/']
  return (await listSourceFiles(unit.codePath, {exclude, ignoreFileDirs: [...new Set([plan.projectDir, unit.codePath])], allowExternalSymlinks: allowsExternalSymlinks(unit), owner: unit.logicalId})).files
}

/**
 * One run of the build tool per project folder and build: several functions (and a layer) often share one
 * project, and two tools writing one `target/` at once would corrupt it.
 */
const toolRuns = new WeakMap<BuildPlan, Map<string, Promise<JavaToolOutput>>>()

/** Builds a Maven or Gradle project and returns its classes and runtime jars. */
export function runJavaBuildTool(unit: BuildUnit, kind: 'maven' | 'gradle', context: BuildContext): Promise<JavaToolOutput> {
  let runs = toolRuns.get(context.plan)
  if (!runs) toolRuns.set(context.plan, (runs = new Map()))
  let run = runs.get(unit.codePath)
  if (!run) {
    run = kind === 'maven' ? runMaven(unit, context) : runGradle(unit, context)
    runs.set(unit.codePath, run)
  }
  return run
}

/**
 * `mvn package dependency:copy-dependencies -DincludeScope=runtime` in one Maven run (what aws-lambda-builders
 * does in two). Tests are skipped: building a package is not the place to run them. The project's
 * `.mvn/maven.config` and `~/.m2/settings.xml` apply as usual (offline mode, mirrors).
 */
async function runMaven(unit: BuildUnit, context: BuildContext): Promise<JavaToolOutput> {
  const dir = unit.codePath
  const target = join(dir, 'target')
  // Stale classes of deleted sources and jars of removed dependencies must not reach the package.
  await rm(join(target, 'classes'), {recursive: true, force: true})
  await rm(join(target, 'dependency'), {recursive: true, force: true})
  const args = ['--batch-mode', '--quiet', 'package', 'dependency:copy-dependencies', '-DincludeScope=runtime', '-DskipTests']
  const outcome = await runTool('mvn', args, {cwd: dir, signal: context.signal})
  if (outcome.kind === 'not-found') {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${dir} is a Maven project (pom.xml), but Maven (mvn) is not installed`, {
      hint: 'Install Maven 3 and put mvn on the PATH, or point CodeUri at the built classes and jars.',
    })
  }
  if (outcome.exitCode !== 0) {
    const errors = mavenErrors(outcome.stdout + '\n' + outcome.stderr)
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: Maven build failed in ${dir}:\n${errors}`, {
      hint: `Run "mvn package" in ${dir} to see the whole output, fix the error, and build again.`,
      details: {logicalId: unit.logicalId, tool: 'mvn', args, exitCode: outcome.exitCode},
    })
  }
  const classesDir = join(target, 'classes')
  if (!(await exists(classesDir))) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: Maven built no classes in ${classesDir}`, {
      hint: 'A function needs a project with <packaging>jar</packaging> and sources in src/main/java.',
    })
  }
  return {
    classFiles: await listOutputFiles(classesDir),
    dependencyJars: await jarsIn(join(target, 'dependency')),
    projectJars: (await jarsIn(target)).filter((jar) => !/(-sources|-javadoc|-tests)\.jar$|[/\\]original-[^/\\]+$/.test(jar)),
  }
}

/** The `[ERROR]` lines Maven printed (its first ones say what failed), or its last lines. */
function mavenErrors(output: string): string {
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '')
  const errors = plain
    .split(/\r?\n/)
    .filter((line) => line.startsWith('[ERROR]'))
    // Maven's quiet mode prefixes some lines twice: "[ERROR] [ERROR] Some problems were encountered".
    .map((line) => line.replace(/^\[ERROR\]\s+\[ERROR\]/, '[ERROR]'))
    .filter((line) => line.replace('[ERROR]', '').trim() !== '')
    .filter((line) => !/re-run Maven|full stack trace|Help 1|For more information about the errors/i.test(line))
  return errors.length > 0 ? errors.slice(0, 8).join('\n') : lastLines(plain, 8)
}

/**
 * Gradle has no copy-dependencies task, so an init script (the way aws-lambda-builders does it) adds one to
 * the root project: main classes and resources, the runtime class path, and the project's jar.
 */
const GRADLE_INIT_SCRIPT = `rootProject {
  plugins.withId('java') {
    tasks.register('lpackLambdaLayout', Sync) {
      into(layout.buildDirectory.dir('lpack-lambda'))
      into('classes') { from(sourceSets.main.output) }
      into('lib') { from(configurations.runtimeClasspath) }
      into('jar') { from(tasks.named('jar')) }
    }
  }
}
`

async function runGradle(unit: BuildUnit, context: BuildContext): Promise<JavaToolOutput> {
  const dir = unit.codePath
  const wrapper = join(dir, 'gradlew')
  const command = (await isExecutable(wrapper)) ? wrapper : 'gradle'
  const initScript = join(context.scratchDir, 'lpack-lambda.init.gradle')
  await writeFile(initScript, GRADLE_INIT_SCRIPT)
  const args = ['--quiet', '--console=plain', '--init-script', initScript, 'lpackLambdaLayout']
  const outcome = await runTool(command, args, {cwd: dir, signal: context.signal})
  if (outcome.kind === 'not-found') {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${dir} is a Gradle project, but neither ./gradlew nor gradle is there to build it`, {
      hint: 'Add the Gradle wrapper (gradle wrapper) or install Gradle, or point CodeUri at the built classes and jars.',
    })
  }
  if (outcome.exitCode !== 0) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: Gradle build failed in ${dir}:\n${lastLines(outcome.stderr || outcome.stdout, 12)}`, {
      hint: `Run "${command === wrapper ? './gradlew' : 'gradle'} build" in ${dir} to see the whole output; the project must apply the java plugin.`,
      details: {logicalId: unit.logicalId, tool: command, exitCode: outcome.exitCode},
    })
  }
  const out = join(dir, 'build', 'lpack-lambda')
  return {
    classFiles: (await exists(join(out, 'classes'))) ? await listOutputFiles(join(out, 'classes')) : [],
    dependencyJars: await jarsIn(join(out, 'lib')),
    projectJars: await jarsIn(join(out, 'jar')),
  }
}

/** The `.jar` files directly in a folder, sorted; none when the folder does not exist. */
async function jarsIn(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  return names
    .filter((name) => name.toLowerCase().endsWith('.jar'))
    .sort()
    .map((name) => join(dir, name))
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  )
}
