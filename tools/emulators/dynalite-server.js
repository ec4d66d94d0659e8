// Starts dynalite (in memory) on an ephemeral loopback port and prints "LISTENING <port>".
// The Java launcher (dev.longvqa.emulators.Dynalite) reads that line; when the launcher's JVM
// goes away, even killed, our stdin closes and this process ends with it.
'use strict'
const dynalite = require('dynalite')
// Tables ACTIVE at once: the project creates its table and writes straight after.
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port))
const stop = () => server.close(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
process.stdin.on('end', () => process.exit(0))
process.stdin.on('error', () => process.exit(0))
process.stdin.resume()
