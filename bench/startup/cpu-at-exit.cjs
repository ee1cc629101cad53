// Preloaded into each measured lpack process (NODE_OPTIONS=--require): at exit, writes the process's own CPU time
// (user + system, in microseconds) to LPACK_BENCH_CPU_FILE, a finer measure than /usr/bin/time's 10 ms.
const {writeFileSync} = require('node:fs')

process.once('exit', () => {
  const {user, system} = process.cpuUsage()
  writeFileSync(process.env.LPACK_BENCH_CPU_FILE, String(user + system))
})
