import {describe, expect, it} from 'vitest'

import {parseNodeHandler} from '../../src/core/build/builders/node/handler.js'
import {ESM_REQUIRE_BANNER, resolveNodeBundleSettings} from '../../src/core/build/builders/node/settings.js'
import type {BuildUnit} from '../../src/core/build/types.js'

function unit(overrides: Partial<BuildUnit> = {}): BuildUnit {
  return {
    logicalId: 'Fn',
    kind: 'function',
    runtime: 'nodejs22.x',
    family: 'nodejs',
    architecture: 'x86_64',
    codePath: '/project/src',
    codeProperty: 'CodeUri',
    handler: 'app.handler',
    buildProperties: {},
    environment: {},
    layerIds: [],
    ...overrides,
  }
}

describe('resolveNodeBundleSettings', () => {
  it('defaults: CommonJS for the runtime’s Node.js, minified, AWS SDK left to the runtime, module before main', () => {
    const {settings, warnings} = resolveNodeBundleSettings(unit())
    expect(settings).toEqual({
      entryPoints: [],
      format: 'cjs',
      target: ['node22'],
      minify: true,
      sourcemap: false,
      sourcesContent: true,
      mainFields: ['module', 'main'],
      external: ['@aws-sdk/*'],
      nodeModules: [],
      loader: {},
      outExtension: {},
      banner: {},
      define: {},
    })
    expect(warnings).toEqual([])
    expect(resolveNodeBundleSettings(unit({runtime: 'nodejs20.x'})).settings.target).toEqual(['node20'])
    expect(resolveNodeBundleSettings(unit({runtime: 'nodejs24.x'})).settings.target).toEqual(['node24'])
  })

  it('ES modules get .mjs and a createRequire banner ahead of the user’s banner', () => {
    const {settings} = resolveNodeBundleSettings(unit({buildProperties: {Format: 'esm', Banner: ['js=// built by lpack']}}))
    expect(settings.outExtension).toEqual({'.js': '.mjs'})
    expect(settings.banner).toEqual({js: `${ESM_REQUIRE_BANNER}\n// built by lpack`})
  })

  it('reads SAM’s list forms and lpack’s switches', () => {
    const {settings} = resolveNodeBundleSettings(
      unit({
        buildProperties: {
          EntryPoints: ['src/app.ts'],
          External: ['pg-native'],
          Loader: ['.png=file', '.txt=text'],
          MainFields: 'main,module',
          Minify: 'false',
          OutExtension: ['.js=.cjs'],
          Target: 'es2022',
          Define: ['process.env.STAGE="prod"'],
          Sourcemap: true,
          BundleAwsSdk: true,
          NodeModules: ['sharp'],
        },
      }),
    )
    expect(settings).toMatchObject({
      entryPoints: ['src/app.ts'],
      external: ['pg-native'],
      loader: {'.png': 'file', '.txt': 'text'},
      mainFields: ['main', 'module'],
      minify: false,
      outExtension: {'.js': '.cjs'},
      target: ['es2022'],
      define: {'process.env.STAGE': '"prod"'},
      sourcemap: true,
      nodeModules: ['sharp'],
    })
  })

  it('turns source maps on when NODE_OPTIONS already asks for them (as SAM does)', () => {
    expect(resolveNodeBundleSettings(unit({environment: {NODE_OPTIONS: '--enable-source-maps'}})).settings.sourcemap).toBe(true)
    expect(resolveNodeBundleSettings(unit({environment: {NODE_OPTIONS: '--enable-source-maps'}, buildProperties: {Sourcemap: false}})).settings.sourcemap).toBe(false)
  })

  it('names a property of the wrong shape, and warns about unknown ones', () => {
    expect(() => resolveNodeBundleSettings(unit({buildProperties: {Minify: 'yes'}}))).toThrow('Fn: BuildProperties.Minify must be true or false, got "yes"')
    expect(() => resolveNodeBundleSettings(unit({buildProperties: {External: {a: {}}}}))).toThrow('Fn: BuildProperties.External must be a list of strings')
    expect(resolveNodeBundleSettings(unit({buildProperties: {Minfy: false}})).warnings).toEqual([
      expect.stringMatching(/^Fn: BuildProperties.Minfy is not an esbuild setting lpack knows; it is ignored/),
    ])
  })
})

describe('parseNodeHandler', () => {
  it('splits at the first dot after the last slash, as the Node.js runtime does', () => {
    expect(parseNodeHandler(unit({handler: 'src/handlers/app.handler'}))).toEqual({module: 'src/handlers/app', exportPath: 'handler', exportName: 'handler'})
    expect(parseNodeHandler(unit({handler: 'v1.2/app.api.get'}))).toEqual({module: 'v1.2/app', exportPath: 'api.get', exportName: 'api'})
  })

  it('rejects a handler without an export', () => {
    expect(() => parseNodeHandler(unit({handler: 'app'}))).toThrow("Fn: Handler 'app' is not of the form path/to/file.export")
  })
})
