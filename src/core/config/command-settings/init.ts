import {choice, text} from '../settings.js'

/** `lpack init`: reads no config file (there is no project yet). */
export const INIT_SETTINGS = {
  template: choice(['node-ts', 'python', 'java', 'provided'], {description: 'The starter.', default: 'node-ts'}),
  name: text({description: "The project's name (stack and package name; default: the folder's name)."}),
}
