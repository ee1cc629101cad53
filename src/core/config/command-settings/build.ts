import {configOnly, flag, integer, list, text} from '../settings.js'
import {CONFIG_SETTINGS} from './shared.js'

/**
 * `lpack build`. Besides the flags, lpack.config.yaml's `build` section holds project-wide settings no flag
 * expresses well:
 * ```yaml
 * build:
 *   defaults: {all: {Sourcemap: true}, nodejs: {Target: node22}}   # BuildProperties under each function's own
 *   budgets: {default: {zippedBytes: 5000000}, functions: {Api: {unzippedBytes: 20000000}}}
 * ```
 * They are checked where they are used (core/build/from-flags.ts).
 */
export const BUILD_SETTINGS = {
  useContainer: flag({hidden: true, description: "SAM's build in a container: lpack needs none.", config: false}),
  templateFile: text({char: 't', aliases: ['template'], description: 'Template file (default: template.yaml).', sam: 'template_file'}),
  buildDir: text({char: 'b', description: 'Build directory (default: .lpack/build beside the template).'}),
  function: list({description: 'Build only this function or layer (repeatable).'}),
  concurrency: integer({description: 'Functions built at once (default: CPU count).'}),
  cache: flag({description: 'Reuse unchanged artifacts (--no-cache rebuilds all; default on).', allowNo: true, default: true}),
  defaults: configOnly({description: 'BuildProperties every function of a runtime family gets under its own.', parse: (raw) => raw}),
  budgets: configOnly({description: 'Size budgets of the zips: a default and per function.', parse: (raw) => raw}),
  ...CONFIG_SETTINGS,
}
