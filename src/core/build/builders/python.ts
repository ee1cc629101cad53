import {readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {LpackError} from '../../../errors.js'
import type {ZipEntry} from '../../package/zip.js'
import {listOutputFiles, type SourceFile} from '../files.js'
import {checkPythonHandler} from '../../lambda/python-handler.js'
import {lastLines, runTool} from '../run-tool.js'
import type {BuildContext, BuildPlan, BuildUnit, BuiltContent, RuntimeBuilder} from '../types.js'
import {listUnitFiles} from './copy.js'
import {LAYER_PREFIX, layerPathMapper} from './layer.js'

/** Never part of a Python package: bytecode caches, virtualenvs, tool caches, tests. */
export const PYTHON_EXCLUDES = [
  '__pycache__/',
  '*.py[cod]',
  '.venv/',
  'venv/',
  '.tox/',
  '.nox/',
  '.pytest_cache/',
  '.mypy_cache/',
  '.ruff_cache/',
  '.ipynb_checkpoints/',
  '*.egg-info/',
  'test_*.py',
  '*_test.py',
  'conftest.py',
]

const REQUIREMENTS_FILE = 'requirements.txt'
const PYTHON = 'python3'

/**
 * Python functions and layers: the sources (without caches, virtualenvs and tests) plus the dependencies of
 * requirements.txt, installed by pip for Lambda's platform — binary wheels for the function's architecture
 * and Python version, as aws-lambda-builders does — at the zip root (a layer: under `python/`).
 *
 * BuildProperties: `FindLinks` (a folder of wheels, or a list, relative to the template's folder) and
 * `NoIndex: true` to install from those wheels only.
 */
export const pythonBuilder: RuntimeBuilder = {
  name: 'python',
  fingerprint: async (unit, plan) => ({builder: 'python', layout: 1, pip: pipPlatformArgs(unit), findLinks: findLinks(unit, plan), noIndex: noIndex(unit)}),
  discoverInputs: async (unit, plan) => [...(await pythonSources(unit, plan)).map((f) => f.file), ...(await wheelhouseFiles(unit, plan))],
  async build(unit, context): Promise<BuiltContent> {
    const sources = await pythonSources(unit, context.plan)
    const requirements = sources.find((f) => f.path === REQUIREMENTS_FILE)
    const dependencies = requirements && (await hasRequirements(requirements.file)) ? await installRequirements(unit, context, requirements.file) : []

    const packaged = unit.kind === 'layer' ? sources.filter((f) => f.path !== REQUIREMENTS_FILE) : sources
    const sourcePath = unit.kind === 'layer' ? layerPathMapper(packaged.map((f) => f.path), LAYER_PREFIX.python!) : (path: string) => path
    const dependencyPath = unit.kind === 'layer' ? (path: string) => `${LAYER_PREFIX.python}/${path}` : (path: string) => path
    const entries = new Map<string, ZipEntry>()
    const warnings: string[] = []
    for (const f of dependencies) entries.set(dependencyPath(f.path), {path: dependencyPath(f.path), sourceFile: f.file, executable: f.executable})
    for (const f of packaged) {
      const path = sourcePath(f.path)
      if (entries.has(path)) warnings.push(`${unit.logicalId}: ${f.path} replaces the file of the same name installed from requirements.txt`)
      entries.set(path, {path, sourceFile: f.file, executable: f.executable})
    }
    if (unit.kind === 'function') assertPythonHandler(unit, entries)
    return {
      entries: [...entries.values()],
      inputFiles: [...sources.map((f) => f.file), ...(await wheelhouseFiles(unit, context.plan))],
      warnings,
    }
  },
}

/**
 * The Handler's module must be in the package and define the function, as the Node.js build checks its export:
 * otherwise every invocation fails with Runtime.ImportModuleError or Runtime.HandlerNotFound. A module the
 * package lacks is accepted when the function uses a layer, which may provide it.
 */
function assertPythonHandler(unit: BuildUnit, entries: ReadonlyMap<string, ZipEntry>): void {
  if (unit.handler === undefined) return
  const found = checkPythonHandler(unit.codePath, unit.handler, (path) => {
    return entries.get(path)?.sourceFile
  })
  if (found.kind === 'no-module' && !unit.usesLayers) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: Handler '${unit.handler}' names a module the package does not have: no ${found.candidates.join(' or ')} in ${unit.codePath}`, {
      hint: 'The Handler is module.function, the module path relative to CodeUri: app.lambda_handler needs app.py.',
    })
  }
  if (found.kind === 'no-function') {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${found.file} defines no function '${found.functionName}' (Handler ${unit.handler})`, {
      hint: `Define def ${found.functionName}(event, context) at the top level of ${found.file}, or fix the Handler.`,
    })
  }
}

/** The unit's own files, without what never belongs in a Python package (including virtualenvs by their pyvenv.cfg). */
async function pythonSources(unit: BuildUnit, plan: BuildPlan): Promise<SourceFile[]> {
  const files = (await listUnitFiles(unit, plan, PYTHON_EXCLUDES)).files
  const virtualenvs = files.filter((f) => f.path === 'pyvenv.cfg' || f.path.endsWith('/pyvenv.cfg')).map((f) => f.path.slice(0, -'pyvenv.cfg'.length))
  return files.filter((f) => !virtualenvs.some((venv) => f.path.startsWith(venv)))
}

async function hasRequirements(file: string): Promise<boolean> {
  return (await readFile(file, 'utf8')).split(/\r?\n/).some((line) => line.trim() !== '' && !line.trim().startsWith('#'))
}

/** The pip flags that select Lambda's platform: binary wheels only, for the runtime's Python and architecture. */
export function pipPlatformArgs(unit: BuildUnit): string[] {
  const platform = unit.architecture === 'arm64' ? 'manylinux2014_aarch64' : 'manylinux2014_x86_64'
  const version = /^python(\d+\.\d+)$/.exec(unit.runtime ?? '')?.[1]
  return ['--platform', platform, '--implementation', 'cp', ...(version ? ['--python-version', version] : []), '--only-binary=:all:']
}

function findLinks(unit: BuildUnit, plan: BuildPlan): string[] {
  const value = unit.buildProperties.FindLinks
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  return list.map((location) => (/^[a-z]+:\/\//i.test(location) ? location : resolve(plan.projectDir, location)))
}

function noIndex(unit: BuildUnit): boolean {
  const value = unit.buildProperties.NoIndex
  return value === true || value === 'true'
}

/** The wheels and source archives in local FindLinks folders: inputs, so a new wheel rebuilds the unit. */
async function wheelhouseFiles(unit: BuildUnit, plan: BuildPlan): Promise<string[]> {
  const files: string[] = []
  for (const location of findLinks(unit, plan).filter((l) => !/^[a-z]+:\/\//i.test(l))) {
    const names = await readdir(location).catch(() => [] as string[])
    files.push(...names.filter((name) => /\.(whl|tar\.gz|zip)$/i.test(name)).map((name) => join(location, name)))
  }
  return files.sort()
}

/** Patterns in pip's output that mean no package index could be reached (offline, DNS, proxy, TLS). */
const UNREACHABLE_INDEX =
  /NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|Name or service not known|nodename nor servname|Network is unreachable|ConnectTimeoutError|Read timed out|ProxyError|SSLError|Could not fetch URL/

async function installRequirements(unit: BuildUnit, context: BuildContext, requirementsFile: string): Promise<SourceFile[]> {
  const target = join(context.scratchDir, 'python-dependencies')
  const links = findLinks(unit, context.plan)
  const args = [
    '-m', 'pip', 'install',
    '--disable-pip-version-check', '--no-input',
    // No bytecode: Lambda compiles on import, and .pyc files would make the zip differ between builds.
    '--no-compile', '--no-warn-script-location',
    '--target', target,
    ...pipPlatformArgs(unit),
    ...links.flatMap((link) => ['--find-links', link]),
    ...(noIndex(unit) ? ['--no-index'] : []),
    '--requirement', requirementsFile,
  ]
  const outcome = await runTool(PYTHON, args, {cwd: unit.codePath, signal: context.signal, env: {PYTHONDONTWRITEBYTECODE: '1'}})
  if (outcome.kind === 'not-found') {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${PYTHON} is not installed, and requirements.txt needs pip to install its packages`, {
      hint: 'Install Python 3 with pip, or remove requirements.txt if the function needs no packages.',
    })
  }
  if (outcome.exitCode !== 0) throw pipError(unit, outcome.stdout + '\n' + outcome.stderr, links, args)
  if (!(await stat(target).catch(() => undefined))) return []
  await makeReproducible(target)
  return listOutputFiles(target)
}

function pipError(unit: BuildUnit, output: string, links: readonly string[], args: readonly string[]): LpackError {
  const where = `${unit.runtime ?? 'python'} on ${unit.architecture}`
  const details = {logicalId: unit.logicalId, tool: PYTHON, args}
  if (/No module named pip/.test(output)) {
    return new LpackError('BUILD_FAILED', `${unit.logicalId}: pip is not installed for ${PYTHON}`, {hint: 'Install pip (python3 -m ensurepip, or your system package python3-pip).', details})
  }
  const unreachable = UNREACHABLE_INDEX.exec(output)
  if (unreachable) {
    return new LpackError('BUILD_FAILED', `${unit.logicalId}: no Python package index is reachable, so requirements.txt cannot be installed (pip: ${unreachable[0]})`, {
      hint:
        'Connect to the network or to a mirror (PIP_INDEX_URL), or build from local wheels: ' +
        'Metadata.BuildProperties FindLinks: ./wheelhouse and NoIndex: true (pip download --platform manylinux2014_x86_64 --only-binary=:all: -d wheelhouse -r requirements.txt where the index is reachable).',
      details,
    })
  }
  const missing = /No matching distribution found for (\S+)/.exec(output) ?? /Could not find a version that satisfies the requirement (\S+)/.exec(output)
  if (missing || /ResolutionImpossible|conflicting dependencies/.test(output)) {
    const what = missing ? `no binary wheel of ${missing[1]} for ${where}` : 'its requirements conflict'
    return new LpackError('BUILD_FAILED', `${unit.logicalId}: requirements.txt cannot be satisfied: ${what}`, {
      hint:
        `Lambda needs wheels built for ${where} (manylinux2014); pin a version that publishes one` +
        (links.length > 0 ? `, or add its wheel to ${links.join(', ')}` : '') +
        '.\n' +
        lastLines(output, 4),
      details,
    })
  }
  return new LpackError('BUILD_FAILED', `${unit.logicalId}: pip could not install requirements.txt:\n${lastLines(output, 8)}`, {
    hint: `Run "python3 -m pip install -r requirements.txt" in ${unit.codePath} to see the whole output.`,
    details,
  })
}

/**
 * Makes pip's output the same on every machine: console scripts in `bin/` name the build machine's Python in
 * their first line (and cannot run in Lambda anyway), and `direct_url.json` records where a wheel was read
 * from. Both go, and so do their lines in each package's RECORD.
 */
async function makeReproducible(target: string): Promise<void> {
  await rm(join(target, 'bin'), {recursive: true, force: true})
  const names = await readdir(target).catch(() => [] as string[])
  for (const distInfo of names.filter((name) => name.endsWith('.dist-info'))) {
    await rm(join(target, distInfo, 'direct_url.json'), {force: true})
    const record = join(target, distInfo, 'RECORD')
    const text = await readFile(record, 'utf8').catch(() => undefined)
    if (text === undefined) continue
    const kept = text.split('\n').filter((line) => !line.startsWith('../') && !line.startsWith(`${distInfo}/direct_url.json,`))
    await writeFile(record, kept.join('\n'))
  }
}
