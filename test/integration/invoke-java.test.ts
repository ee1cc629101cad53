import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ExecutionEnvironment} from '../../src/core/invoke/execution-environment.js'
import {invokeFunction} from '../../src/core/invoke/index.js'
import {startLambdaApi} from '../../src/core/invoke/lambda-api.js'
import {InvokeService} from '../../src/core/invoke/service.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {run} from '../support/cli.js'
import {environment, event} from './invoke-support.js'

// lpack's Java runtime with real javac and java: the function laid out as lpack's Java build lays it out (classes at
// the zip root, jars in lib/), a Debian jar as a dependency, and a stand-in for aws-lambda-java-core (not packaged
// for Debian; no Maven Central here) with the same interface names, compiled here.
const COMMONS_LANG = '/usr/share/java/commons-lang3.jar'

const CORE = {
  'com/amazonaws/services/lambda/runtime/Context.java': `package com.amazonaws.services.lambda.runtime;
public interface Context {
  String getAwsRequestId(); String getLogGroupName(); String getLogStreamName(); String getFunctionName();
  String getFunctionVersion(); String getInvokedFunctionArn(); int getRemainingTimeInMillis(); int getMemoryLimitInMB();
  LambdaLogger getLogger(); CognitoIdentity getIdentity(); ClientContext getClientContext();
}`,
  'com/amazonaws/services/lambda/runtime/CognitoIdentity.java': `package com.amazonaws.services.lambda.runtime;
public interface CognitoIdentity { String getIdentityId(); String getIdentityPoolId(); }`,
  'com/amazonaws/services/lambda/runtime/Client.java': `package com.amazonaws.services.lambda.runtime;
public interface Client { String getInstallationId(); String getAppTitle(); String getAppVersionName(); String getAppVersionCode(); String getAppPackageName(); }`,
  'com/amazonaws/services/lambda/runtime/ClientContext.java': `package com.amazonaws.services.lambda.runtime;
public interface ClientContext { Client getClient(); java.util.Map<String, String> getCustom(); java.util.Map<String, String> getEnvironment(); }`,
  'com/amazonaws/services/lambda/runtime/LambdaLogger.java': `package com.amazonaws.services.lambda.runtime;
public interface LambdaLogger { void log(String message); }`,
  'com/amazonaws/services/lambda/runtime/RequestStreamHandler.java': `package com.amazonaws.services.lambda.runtime;
public interface RequestStreamHandler { void handleRequest(java.io.InputStream input, java.io.OutputStream output, Context context) throws java.io.IOException; }`,
}

const SOURCES = {
  'com/example/Order.java': `package com.example;
import java.util.List;
public class Order {
  private String id;
  private int quantity;
  public List<String> tags;
  public Customer customer;
  public void setId(String id) { this.id = id; }
  public String getId() { return id; }
  public int getQuantity() { return quantity; }
  public static class Customer { public String name; public boolean vip; }
}`,
  'com/example/Receipt.java': `package com.example;
public class Receipt {
  private final String summary; private final double total;
  public Receipt(String summary, double total) { this.summary = summary; this.total = total; }
  public String getSummary() { return summary; }
  public double getTotal() { return total; }
  public boolean isPaid() { return true; }
}`,
  'com/example/Handlers.java': `package com.example;
import java.util.LinkedHashMap;
import java.util.Map;
import com.amazonaws.services.lambda.runtime.Context;
import org.apache.commons.lang3.StringUtils;
public class Handlers {
  private static int instances = 0;
  private int calls = 0;
  public Handlers() { instances++; System.out.println("init Handlers"); }
  public Map<String, Object> map(Map<String, Object> event, Context context) {
    calls++;
    context.getLogger().log("via the logger\\n");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("event", event);
    out.put("calls", calls);
    out.put("instances", instances);
    out.put("requestId", context.getAwsRequestId());
    out.put("functionName", context.getFunctionName());
    out.put("arn", context.getInvokedFunctionArn());
    out.put("memory", context.getMemoryLimitInMB());
    out.put("logGroup", context.getLogGroupName());
    out.put("remaining", context.getRemainingTimeInMillis());
    out.put("upper", StringUtils.upperCase((String) event.get("name")));
    return out;
  }
  public Map<String, Object> caller(Map<String, Object> event, Context context) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("identity", context.getIdentity() == null ? null : context.getIdentity().getIdentityId() + " in " + context.getIdentity().getIdentityPoolId());
    if (context.getClientContext() != null) {
      out.put("app", context.getClientContext().getClient().getAppTitle() + " " + context.getClientContext().getClient().getAppVersionName() + " (" + context.getClientContext().getClient().getInstallationId() + ")");
      out.put("custom", context.getClientContext().getCustom());
      out.put("env", context.getClientContext().getEnvironment());
    } else out.put("app", null);
    return out;
  }
  public String text(String input) { return "got " + input; }
  public Receipt pojo(Order order) {
    return new Receipt(order.getId() + " x" + order.getQuantity() + " " + order.tags + " for " + order.customer.name + (order.customer.vip ? " (vip)" : ""), order.getQuantity() * 2.5);
  }
  public static int noContext(int n) { return n * 2; }
  public void fail(Map<String, Object> event) { throw new IllegalStateException("asked to fail: " + event.get("why")); }
}`,
  'com/example/Streaming.java': `package com.example;
import java.io.*;
import com.amazonaws.services.lambda.runtime.*;
public class Streaming implements RequestStreamHandler {
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    byte[] bytes = input.readAllBytes();
    output.write(("{\\"length\\":" + bytes.length + ",\\"fn\\":\\"" + context.getFunctionName() + "\\"}").getBytes("UTF-8"));
  }
}`,
  'com/example/Plain.java': `package com.example;
import java.util.Map;
public class Plain { public String handleRequest(Map<String, Object> event) { return "plain " + event.get("x"); } }`,
}

let root: string
let task: string
let plainTask: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpack-invoke-java-'))
  const core = join(root, 'core')
  for (const [path, text] of Object.entries({...CORE, ...SOURCES})) {
    await mkdir(join(root, 'src', path, '..'), {recursive: true})
    await writeFile(join(root, 'src', path), text)
  }
  await run('javac', ['--release', '11', '-d', join(core, 'classes'), ...Object.keys(CORE).map((p) => join(root, 'src', p))])
  task = join(root, 'fn', 'task')
  await mkdir(join(task, 'lib'), {recursive: true})
  await mkdir(join(root, 'fn', 'opt'), {recursive: true})
  await run('jar', ['--create', '--file', join(task, 'lib', 'aws-lambda-java-core.jar'), '-C', join(core, 'classes'), '.'])
  await run('cp', [COMMONS_LANG, join(task, 'lib', 'commons-lang3.jar')])
  await run('javac', ['--release', '11', '-cp', `${join(task, 'lib', '*')}`, '-d', task, ...Object.keys(SOURCES).filter((p) => !p.includes('Plain')).map((p) => join(root, 'src', p))])
  // A function without aws-lambda-java-core: no Context on its class path.
  plainTask = join(root, 'plain', 'task')
  await mkdir(join(root, 'plain', 'opt'), {recursive: true})
  await run('javac', ['--release', '11', '-d', plainTask, join(root, 'src', 'com/example/Plain.java')])
}, 120_000)
afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

async function withEnvironment<T>(dir: string, handler: string, use: (env: ExecutionEnvironment) => Promise<T>, memoryMb = 256): Promise<T> {
  const {env} = environment(join(dir, '..'), {runtime: 'java17', handler, memoryMb, timeoutSeconds: 20, functionName: 'orders'})
  try {
    return await use(env)
  } finally {
    await env.dispose()
  }
}

describe('lpack invoke: the Java runtime', () => {
  it('#14.1 Class::method with a Map and the Context (aws-lambda-java-core on the class path), a lib/*.jar dependency; warm second invoke', {timeout: 120_000}, async () => {
    await withEnvironment(task, 'com.example.Handlers::map', async (env) => {
      const first = await env.invoke(event({name: 'ada', nested: {list: [1, 2.5, 'x', null, true], big: 12345678901}}))
      expect(first.failed, first.payload).toBe(false)
      const body = JSON.parse(first.payload)
      expect(body).toMatchObject({
        event: {name: 'ada', nested: {list: [1, 2.5, 'x', null, true], big: 12345678901}},
        calls: 1,
        instances: 1,
        requestId: first.requestId,
        functionName: 'orders',
        arn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders',
        memory: 256,
        logGroup: '/aws/lambda/orders',
        upper: 'ADA',
      })
      expect(body.remaining).toBeGreaterThan(15_000)
      expect(body.remaining).toBeLessThanOrEqual(20_000)
      expect(first.logs).toContain('init Handlers')
      expect(first.logs).toContain('via the logger')
      expect(first.report.initDurationMs).toBeGreaterThan(0)
      const second = await env.invoke(event({name: 'bob'}))
      expect(JSON.parse(second.payload)).toMatchObject({calls: 2, instances: 1, upper: 'BOB'})
      expect(second.report.initDurationMs).toBeUndefined()
    })
  })

  it('#14.2 the Context\'s identity and clientContext when the invoke gives them (null otherwise)', {timeout: 120_000}, async () => {
    await withEnvironment(task, 'com.example.Handlers::caller', async (env) => {
      const clientContext = JSON.stringify({client: {installation_id: 'inst-1', app_title: 'Shop', app_version_name: '2.1', app_version_code: '21', app_package_name: 'com.shop'}, custom: {tenant: 'acme', tier: 3}, env: {platform: 'Android', locale: 'de_DE'}})
      const cognitoIdentity = JSON.stringify({cognitoIdentityId: 'eu-west-1:abc', cognitoIdentityPoolId: 'eu-west-1:pool'})
      const given = await env.invoke({...event({}), clientContext, cognitoIdentity})
      expect(given.failed, given.payload).toBe(false)
      expect(JSON.parse(given.payload)).toEqual({identity: 'eu-west-1:abc in eu-west-1:pool', app: 'Shop 2.1 (inst-1)', custom: {tenant: 'acme', tier: '3'}, env: {platform: 'Android', locale: 'de_DE'}})
      const without = await env.invoke(event({}))
      expect(JSON.parse(without.payload)).toEqual({identity: null, app: null})
    })
    // Through start-lambda's Invoke API: the client context as the SDKs send it, base64 JSON in X-Amz-Client-Context.
    const service = new InvokeService({
      source: {
        resolve: async (name) => (name === 'orders' ? {config: {logicalId: 'Orders', functionName: 'orders', runtime: 'java17', handler: 'com.example.Handlers::caller', memoryMb: 256, timeoutSeconds: 20, architecture: 'x86_64', variables: {}}, version: '$LATEST', code: {dir: task}} : undefined),
      },
      hostEnv: {PATH: process.env.PATH},
    })
    const api = await startLambdaApi({service})
    try {
      const clientContext = Buffer.from(JSON.stringify({client: {installation_id: 'i-9', app_title: 'Kiosk', app_version_name: '1.0'}, custom: {store: 'north'}, env: {}})).toString('base64')
      const response = await fetch(`${api.endpoint}/2015-03-31/functions/orders/invocations`, {method: 'POST', body: '{}', headers: {'X-Amz-Client-Context': clientContext}})
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({identity: null, app: 'Kiosk 1.0 (i-9)', custom: {store: 'north'}, env: {}})
    } finally {
      await api.close()
      await service.close()
    }
  })

  it('#14.1 String and POJO arguments from JSON, a POJO result through its getters, a static method', {timeout: 120_000}, async () => {
    await withEnvironment(task, 'com.example.Handlers::text', async (env) => {
      expect((await env.invoke(event('hello'))).payload).toBe('"got hello"')
    })
    await withEnvironment(task, 'com.example.Handlers::pojo', async (env) => {
      const result = await env.invoke(event({id: 'o-1', quantity: 3, tags: ['a', 'b'], customer: {name: 'Ada', vip: true}, ignored: 1}))
      expect(result.failed, result.payload).toBe(false)
      expect(JSON.parse(result.payload)).toEqual({paid: true, summary: 'o-1 x3 [a, b] for Ada (vip)', total: 7.5})
    })
    await withEnvironment(task, 'com.example.Handlers::noContext', async (env) => {
      expect((await env.invoke(event(21))).payload).toBe('42')
    })
  })

  it('#14.1 a RequestStreamHandler named by its class alone; a function without aws-lambda-java-core', {timeout: 120_000}, async () => {
    await withEnvironment(task, 'com.example.Streaming', async (env) => {
      const result = await env.invoke(event({abc: 1}))
      expect(JSON.parse(result.payload)).toEqual({length: 9, fn: 'orders'})
    })
    await withEnvironment(plainTask, 'com.example.Plain', async (env) => {
      expect((await env.invoke(event({x: 5}))).payload).toBe('"plain 5"')
    })
  })

  it('#14.4 a thrown exception is Lambda\'s Java error document; a missing class or method fails the start', {timeout: 120_000}, async () => {
    await withEnvironment(task, 'com.example.Handlers::fail', async (env) => {
      const result = await env.invoke(event({why: 'testing'}))
      expect(result.failed).toBe(true)
      expect(result.errorType).toBe('java.lang.IllegalStateException')
      const document = JSON.parse(result.payload)
      expect(document).toMatchObject({errorMessage: 'asked to fail: testing', errorType: 'java.lang.IllegalStateException'})
      expect(document.stackTrace[0]).toMatch(/^com\.example\.Handlers\.fail\(Handlers\.java:\d+\)$/)
      // The environment lives on after a handled error.
      expect((await env.invoke(event({why: 'again'}))).coldStart).toBe(false)
    })
    await withEnvironment(task, 'com.example.Missing::handleRequest', async (env) => {
      const result = await env.invoke(event({}))
      expect(result.failed).toBe(true)
      expect(JSON.parse(result.payload)).toMatchObject({errorType: 'java.lang.ClassNotFoundException', errorMessage: 'Class not found: com.example.Missing'})
    })
    await withEnvironment(task, 'com.example.Handlers::nothing', async (env) => {
      const result = await env.invoke(event({}))
      expect(JSON.parse(result.payload)).toMatchObject({errorType: 'java.lang.NoSuchMethodException', errorMessage: 'No public method named nothing with appropriate method signature found on class com.example.Handlers'})
    })
  })
})

describe('lpack invoke: a Java function as lpack builds it', () => {
  it('#14.1 classes at the zip root with lib/*.jar, and a thin jar whose dependency comes from a layer\'s java/lib', {timeout: 180_000}, async () => {
    const fixtures = fileURLToPath(new URL('../fixtures/build-java/', import.meta.url))
    const project = join(root, 'project')
    await mkdir(join(project, 'classes', 'deps'), {recursive: true})
    await run('javac', ['--release', '11', '-cp', COMMONS_LANG, '-d', join(project, 'classes'), join(fixtures, 'src/com/example/Handler.java')])
    await writeFile(join(project, 'classes', 'greeting.properties'), 'greeting=Hello\n')
    await run('cp', [COMMONS_LANG, join(project, 'classes', 'deps', 'commons-lang3.jar')])
    await mkdir(join(project, 'thin'))
    await run('jar', ['--create', '--file', join(project, 'thin', 'app.jar'), '-C', join(project, 'classes'), 'com', '-C', join(project, 'classes'), 'greeting.properties'])
    await mkdir(join(project, 'layer'))
    await run('cp', [COMMONS_LANG, join(project, 'layer', 'commons-lang3.jar')])
    await writeFile(join(project, 'template.yaml'), `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: java17, MemorySize: 512, Timeout: 20, Handler: com.example.Handler::handleRequest}
Resources:
  FromClasses:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: classes/}
  FromThinJar:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: thin/, Layers: [!Ref Libs]}
  Libs:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layer/, CompatibleRuntimes: [java17]}
    Metadata: {BuildMethod: java17}
`)
    for (const functionId of ['FromClasses', 'FromThinJar']) {
      const result = await invokeFunction({templateFile: join(project, 'template.yaml'), functionId, event: Buffer.from('"adbmal"'), reporter: new RecordingReporter()})
      expect(result.failed, `${functionId}: ${result.payload}\n${result.logs.join('\n')}`).toBe(false)
      expect(result.payload).toBe('"Hello, Lambda!"')
    }
  })
})
