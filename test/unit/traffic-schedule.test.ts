import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {percentAt, planSchedule, PREDEFINED_TYPES, scheduleDurationMs} from '../../src/core/traffic/schedule.js'

const MINUTE = 60_000

describe('#16.2 SAM predefined DeploymentPreference types', () => {
  it.each([
    ['Canary10Percent5Minutes', [[0, 10], [5 * MINUTE, 100]]],
    ['Canary10Percent10Minutes', [[0, 10], [10 * MINUTE, 100]]],
    ['Canary10Percent15Minutes', [[0, 10], [15 * MINUTE, 100]]],
    ['Canary10Percent30Minutes', [[0, 10], [30 * MINUTE, 100]]],
    ['Linear10PercentEvery1Minute', Array.from({length: 10}, (_, k) => [k * MINUTE, (k + 1) * 10])],
    ['Linear10PercentEvery2Minutes', Array.from({length: 10}, (_, k) => [k * 2 * MINUTE, (k + 1) * 10])],
    ['Linear10PercentEvery3Minutes', Array.from({length: 10}, (_, k) => [k * 3 * MINUTE, (k + 1) * 10])],
    ['Linear10PercentEvery10Minutes', Array.from({length: 10}, (_, k) => [k * 10 * MINUTE, (k + 1) * 10])],
    ['AllAtOnce', [[0, 100]]],
  ])('%s', (type, steps) => {
    expect(planSchedule(type).steps.map((step) => [step.atMs, step.percent])).toEqual(steps)
    expect(planSchedule(`CodeDeployDefault.Lambda${type}`).steps).toEqual(planSchedule(type).steps)
  })

  it('covers exactly the translator list', () => {
    expect([...PREDEFINED_TYPES]).toEqual([
      'Canary10Percent5Minutes', 'Canary10Percent10Minutes', 'Canary10Percent15Minutes', 'Canary10Percent30Minutes',
      'Linear10PercentEvery1Minute', 'Linear10PercentEvery2Minutes', 'Linear10PercentEvery3Minutes', 'Linear10PercentEvery10Minutes', 'AllAtOnce',
    ])
  })
})

describe('#16.2 Canary<P>Percent<N>(Seconds|Minutes) and Linear<P>PercentEvery<N>(Seconds|Minutes)', () => {
  it('seconds-scale schedules', () => {
    expect(planSchedule('Canary25Percent3Seconds').steps).toEqual([{atMs: 0, percent: 25}, {atMs: 3000, percent: 100}])
    expect(planSchedule('Linear30PercentEvery2Seconds').steps).toEqual([
      {atMs: 0, percent: 30}, {atMs: 2000, percent: 60}, {atMs: 4000, percent: 90}, {atMs: 6000, percent: 100},
    ])
    expect(planSchedule('Linear100PercentEvery1Second').steps).toEqual([{atMs: 0, percent: 100}])
  })

  it.each([
    'Canary0Percent5Minutes', 'Canary100Percent5Minutes', 'Canary10Percent0Minutes', 'Linear0PercentEvery1Minute',
    'Linear101PercentEvery1Minute', 'Linear10PercentEvery2Minute', 'Canary010Percent5Minutes', 'Canary10Percent5Hours',
    'Canary10Percent5minutes', 'Custom', '', 'CodeDeployDefault.LambdaCustom', 'Linear10PercentEvery99999999999999999Seconds',
  ])('%j is refused with TEMPLATE_INVALID', (type) => {
    expect(() => planSchedule(type)).toThrow(expect.objectContaining({code: 'TEMPLATE_INVALID'}))
  })

  it('properties: canary', () => {
    fc.assert(fc.property(fc.integer({min: 1, max: 99}), fc.integer({min: 1, max: 10_000}), fc.boolean(), (p, n, seconds) => {
      const unit = seconds ? 'Seconds' : 'Minutes'
      const schedule = planSchedule(`Canary${p}Percent${n}${n === 1 ? unit.slice(0, -1) : unit}`)
      const ms = n * (seconds ? 1000 : MINUTE)
      expect(schedule.kind).toBe('canary')
      expect(percentAt(schedule, 0)).toBe(p)
      expect(percentAt(schedule, ms - 1)).toBe(p)
      expect(percentAt(schedule, ms)).toBe(100)
      expect(scheduleDurationMs(schedule)).toBe(ms)
    }))
  })

  it('properties: linear steps are equal increments an interval apart, ending at 100', () => {
    fc.assert(fc.property(fc.integer({min: 1, max: 100}), fc.integer({min: 1, max: 10_000}), fc.boolean(), (p, n, seconds) => {
      const unit = seconds ? 'Seconds' : 'Minutes'
      const schedule = planSchedule(`Linear${p}PercentEvery${n}${unit}`)
      const ms = n * (seconds ? 1000 : MINUTE)
      const steps = schedule.steps
      expect(steps.length).toBe(Math.ceil(100 / p))
      steps.forEach((step, index) => {
        expect(step.atMs).toBe(index * ms)
        expect(step.percent).toBe(Math.min(100, (index + 1) * p))
      })
      expect(steps.at(-1)!.percent).toBe(100)
      // percentAt never decreases and is constant within an interval
      for (let index = 0; index < steps.length; index++) {
        expect(percentAt(schedule, index * ms + ms - 1)).toBe(steps[index]!.percent)
      }
    }), {numRuns: 200})
  })

  it('before the shift starts nothing is on the new version', () => {
    expect(percentAt(planSchedule('Canary10Percent5Minutes'), -1)).toBe(0)
  })
})
