import {describe, expect, it} from 'vitest'

import {fatJarEvidence, handlerClassFile, isLibJarPath} from '../../src/core/build/builders/java-jar.js'
import {layerPathMapper} from '../../src/core/build/builders/layer.js'
import {pipPlatformArgs} from '../../src/core/build/builders/python.js'
import type {BuildUnit} from '../../src/core/build/types.js'

describe('Java handler and jar rules', () => {
  it('maps a handler to its class file', () => {
    expect(handlerClassFile('com.example.Handler::handleRequest')).toBe('com/example/Handler.class')
    expect(handlerClassFile('com.example.Handler')).toBe('com/example/Handler.class')
    expect(handlerClassFile('Handler::run')).toBe('Handler.class')
    expect(handlerClassFile('not a class')).toBeUndefined()
    expect(handlerClassFile(undefined)).toBeUndefined()
  })

  it('tells a fat jar from a thin one, with the evidence', () => {
    const thin = ['META-INF/MANIFEST.MF', 'META-INF/maven/com.example/app/pom.properties', 'com/example/Handler.class', 'com/example/util/Strings.class']
    expect(fatJarEvidence(thin, 'com/example/Handler.class')).toBeUndefined()
    expect(fatJarEvidence([...thin, 'BOOT-INF/lib/guava.jar'], 'com/example/Handler.class')).toBe('it holds 1 nested jar (BOOT-INF/lib/guava.jar)')
    expect(fatJarEvidence([...thin, 'META-INF/maven/org.apache.commons/commons-lang3/pom.properties'])).toBe(
      'it bundles 2 Maven artifacts (com.example:app, org.apache.commons:commons-lang3)',
    )
    expect(fatJarEvidence([...thin, 'org/apache/commons/lang3/StringUtils.class'], 'com/example/Handler.class')).toBe(
      "it holds 1 classes outside the handler's package com.example (org/apache/commons/lang3/StringUtils.class)",
    )
    // lib/*.jar inside a zip is the layout Lambda wants (a Gradle buildZip), not a fat jar.
    expect(fatJarEvidence([...thin, 'lib/guava.jar'], 'com/example/Handler.class')).toBeUndefined()
  })

  it('accepts jars only directly in lib/', () => {
    expect(isLibJarPath('lib/a.jar')).toBe(true)
    expect(isLibJarPath('lib/x/a.jar')).toBe(false)
    expect(isLibJarPath('a.jar')).toBe(false)
  })
})

describe('layer prefixes', () => {
  it('puts sources under the prefix unless all of them are there already', () => {
    expect(layerPathMapper(['util.py', 'pkg/a.py'], 'python')('util.py')).toBe('python/util.py')
    expect(layerPathMapper(['python/util.py'], 'python')('python/util.py')).toBe('python/util.py')
    expect(layerPathMapper(['python/util.py', 'README.md'], 'python')('README.md')).toBe('python/README.md')
  })
})

describe('pip platform flags', () => {
  const unit = (runtime: string, architecture: BuildUnit['architecture']) => ({runtime, architecture}) as BuildUnit
  it('selects binary wheels for the runtime and architecture', () => {
    expect(pipPlatformArgs(unit('python3.12', 'x86_64'))).toEqual(['--platform', 'manylinux2014_x86_64', '--implementation', 'cp', '--python-version', '3.12', '--only-binary=:all:'])
    expect(pipPlatformArgs(unit('python3.13', 'arm64')).slice(0, 2)).toEqual(['--platform', 'manylinux2014_aarch64'])
  })
})
