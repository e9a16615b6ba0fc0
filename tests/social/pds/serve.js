// Bluesky's reference PDS with a PLC directory of its own, both on loopback, for
// tests/social/test_bluesky_pds.py.
//
//   node serve.js DATA_DIR PDS_PORT PLC_PORT
//
// PDS_ADMIN_PASSWORD sets the admin password (a fixed test one otherwise). Prints one JSON line,
// {"url": ..., "plc": ...}, once both answer; stops on SIGTERM or SIGINT.
'use strict'

const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const { createRequire } = require('node:module')
const { PlcServer, Database: PlcDatabase } = require('@did-plc/server')
const pds = require('@atproto/pds')

// The PDS's own copies, not the older ones @did-plc/server pins.
const fromPds = createRequire(require.resolve('@atproto/pds'))
const { Secp256k1Keypair } = fromPds('@atproto/crypto')
const { createHttpTerminator } = fromPds('http-terminator')

const LOOPBACK = '127.0.0.1'

function fail(message) {
  process.stderr.write(`serve.js: ${message}\n`)
  process.exit(2)
}

function port(value, name) {
  const number = Number(value)
  if (!Number.isInteger(number) || number <= 0 || number > 65535) fail(`bad ${name}: ${value}`)
  return number
}

// Both servers' own start() listen on every interface; these tests stay on loopback, so each is
// started here as start() would, bound to 127.0.0.1.
function listen(app, portNumber) {
  return new Promise((resolve, reject) => {
    const server = app.listen(portNumber, LOOPBACK, () => resolve(server))
    server.once('error', reject)
  })
}

async function main() {
  const [dataDir, pdsArg, plcArg] = process.argv.slice(2)
  if (!dataDir || !pdsArg || !plcArg) fail('usage: node serve.js DATA_DIR PDS_PORT PLC_PORT')
  const pdsPort = port(pdsArg, 'PDS port')
  const plcPort = port(plcArg, 'PLC port')
  fs.mkdirSync(path.join(dataDir, 'blobs'), { recursive: true })

  // The PLC directory keeps its operations in memory: each run starts with no DIDs.
  const plc = PlcServer.create({ db: PlcDatabase.mock(), port: plcPort })
  plc.server = await listen(plc.app, plcPort)
  plc.terminator = createHttpTerminator({ server: plc.server })
  const plcUrl = `http://${LOOPBACK}:${plcPort}`

  const rotationKey = await Secp256k1Keypair.create({ exportable: true })
  const env = {
    ...pds.readEnv(),
    // "localhost" makes the public URL http://localhost:PORT and lets handles end in ".test".
    hostname: 'localhost',
    port: pdsPort,
    devMode: true,
    inviteRequired: false,
    dataDirectory: dataDir,
    blobstoreDiskLocation: path.join(dataDir, 'blobs'),
    didPlcUrl: plcUrl,
    adminPassword: process.env.PDS_ADMIN_PASSWORD || 'admin-pass',
    jwtSecret: crypto.randomBytes(32).toString('hex'),
    plcRotationKeyK256PrivateKeyHex: Buffer.from(await rotationKey.export()).toString('hex'),
    // Nothing leaves loopback: no relay to tell of new posts, no AppView to proxy to.
    crawlers: [],
    bskyAppViewUrl: undefined,
    bskyAppViewDid: undefined,
    modServiceUrl: undefined,
    modServiceDid: undefined,
    reportServiceUrl: undefined,
    reportServiceDid: undefined,
  }
  const cfg = pds.envToCfg(env)
  const server = await pds.PDS.create(cfg, pds.envToSecrets(env))
  await server.ctx.sequencer.start()
  server.server = await listen(server.app, pdsPort)
  server.server.keepAliveTimeout = 90000
  server.terminator = createHttpTerminator({ server: server.server })

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    try {
      await server.destroy()
      await plc.destroy()
    } finally {
      process.exit(0)
    }
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)

  process.stdout.write(`${JSON.stringify({ url: cfg.service.publicUrl, plc: plcUrl })}\n`)
}

main().catch((error) => fail(error && error.stack ? error.stack : String(error)))
