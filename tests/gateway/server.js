// A local wechaty puppet-service gateway for GridBot's tests: the real gRPC
// server (wechaty-puppet-service) in front of the mock puppet
// (wechaty-puppet-mock), bound to 127.0.0.1 only, with no TLS (the Python
// client has none) and no network access.
//
// Usage: node server.js  (configured by environment variables)
//   GATEWAY_GRPC_PORT     gRPC port (the Python side's WECHATY_PUPPET_SERVICE_ENDPOINT)
//   GATEWAY_CONTROL_PORT  port of the JSON control API below
//   GATEWAY_TOKEN         the puppet-service token
//   GATEWAY_WORLD         JSON: {"bot": {"id", "name"}, "contacts": [{"id", "name"}],
//                                "rooms": [{"id", "topic", "members": [ids], "aliases": {id: alias}}]}
//
// Control API (HTTP on 127.0.0.1, for the test only):
//   POST /say   {"from", "room"?, "to"?, "text", "mentions"?: [ids]}  → {"id"}
//               a contact says something in a room (or privately to the bot);
//   POST /file  {"from", "room"?, "to"?, "name", "base64", "type"?} → {"id"}
//               the same with a FileBox. The mock types it by media type or extension
//               (.jpg/.png image, .mp4 video, .sil audio; .pdf, .doc, .zip come out
//               Unknown): "type" (a wechaty-puppet message type name: "Image", "Audio",
//               "Video", "Attachment", ...) overrides that. Also accepted by /say
//               ("Location", "Url": the mock answers messageLocation/messageUrl with
//               fixed payloads of its own);
//   POST /location {"off": bool} make MessageLocation fail (a gateway that cannot read locations);
//               otherwise it answers the mock's fixed place (39.995121, 116.334154, 海淀区成府路45号);
//   GET  /sent  what the bot sent, in order: [{"id", "conversation", "text", "mentions",
//               "file"?: {"name", "size", "sha256"}}];
//   GET  /health {"loggedIn", "sent"};
//   POST /logout, POST /login  the bot's account logs out, and back in.
// Prints "GATEWAY READY <grpc port>" once the gRPC server listens.
'use strict'

const http = require('http')
const { FileBox } = require('file-box')
const { PuppetServer } = require('wechaty-puppet-service')
const { PuppetMock, mock } = require('wechaty-puppet-mock')
const PUPPET = require('wechaty-puppet')

const HOST = '127.0.0.1'
const grpcPort = Number(process.env.GATEWAY_GRPC_PORT)
const controlPort = Number(process.env.GATEWAY_CONTROL_PORT)
const token = process.env.GATEWAY_TOKEN
const world = JSON.parse(process.env.GATEWAY_WORLD || '{}')
if (!grpcPort || !controlPort || !token) {
  console.error('GATEWAY_GRPC_PORT, GATEWAY_CONTROL_PORT and GATEWAY_TOKEN are required')
  process.exit(2)
}

const mocker = new mock.Mocker()
const bot = mocker.createContact({ id: world.bot.id, name: world.bot.name })
for (const c of world.contacts || []) mocker.createContact({ id: c.id, name: c.name })
const aliases = {}
for (const r of world.rooms || []) {
  mocker.createRoom({ id: r.id, topic: r.topic, ownerId: bot.id, memberIdList: [bot.id, ...r.members] })
  aliases[r.id] = r.aliases || {}
}
// A behaviour returns its clean-up function: the mock calls it when a client disconnects.
mocker.use(m => { if (!m.puppet.isLoggedIn) m.login(bot); return () => {} })

const puppet = new PuppetMock({ mocker })

// What the bot sent. The mock's messageSendText returns no id (the Python
// client then loads an empty message); its send echoes the message as a
// 'message' event, so the id of the echo is returned.
const sent = []
let lastEchoId
puppet.on('message', ({ messageId }) => { lastEchoId = messageId })
const sendText = puppet.messageSendText.bind(puppet)
puppet.messageSendText = async (conversationId, text, mentionIdList) => {
  lastEchoId = undefined
  await sendText(conversationId, text)
  sent.push({ id: lastEchoId, conversation: conversationId, text, mentions: mentionIdList || [] })
  return lastEchoId
}
const sendFile = puppet.messageSendFile.bind(puppet)
puppet.messageSendFile = async (conversationId, file) => {
  lastEchoId = undefined
  const data = await file.toBuffer()
  await sendFile(conversationId, file)
  sent.push({ id: lastEchoId, conversation: conversationId, text: '', mentions: [],
    file: { name: file.name, size: data.length, sha256: require('crypto').createHash('sha256').update(data).digest('hex') } })
  return lastEchoId
}
// The mock has no room aliases (群昵称): serve the world's.
const memberPayload = puppet.roomMemberRawPayload.bind(puppet)
puppet.roomMemberRawPayload = async (roomId, contactId) => {
  const payload = await memberPayload(roomId, contactId)
  const alias = (aliases[roomId] || {})[contactId]
  return alias ? { ...payload, roomAlias: alias } : payload
}

// The mock answers messageImage with a QR code whatever was sent: serve the file itself.
puppet.messageImage = async (messageId) => puppet.messageFile(messageId)

// MessageLocation: the mock's fixed place, or (POST /location {"off": true}) a failure, as from a
// gateway that cannot read locations.
let locationOff = false
const messageLocation = puppet.messageLocation.bind(puppet)
puppet.messageLocation = async (messageId) => {
  if (locationOff) throw new Error('location not supported here')
  return messageLocation(messageId)
}

function conversationOf (body) {
  if (body.room) return mocker.RoomMock.load(body.room)
  return mocker.ContactMock.load(body.to || bot.id)
}

function inject (body, something) {
  const talker = mocker.ContactMock.load(body.from)
  const mentions = (body.mentions || []).map(id => mocker.ContactMock.load(id))
  let id
  const catcher = ({ messageId }) => { id = messageId }
  puppet.once('message', catcher)
  talker.say(something, mentions).to(conversationOf(body))
  if (body.type) {
    // The event is out; the client pulls the payload later, over gRPC.
    const type = PUPPET.types.Message[body.type]
    if (type === undefined) throw new Error(`unknown message type ${body.type}`)
    mocker.cacheMessagePayload.get(id).type = type
  }
  return id
}

const routes = {
  'POST /say': body => ({ id: inject(body, body.text) }),
  'POST /file': body => ({
    id: inject(body, FileBox.fromBase64(body.base64, body.name)),
  }),
  'POST /location': body => { locationOff = !!body.off; return { off: locationOff } },
  'GET /sent': () => sent,
  // The account logs out (a QR code would be needed again), and logs back in.
  'POST /logout': async () => { await puppet.logout(); return { loggedIn: puppet.isLoggedIn } },
  'POST /login': async () => { mocker.login(bot); return { loggedIn: true } },
  'GET /health': () => ({ loggedIn: puppet.isLoggedIn, sent: sent.length }),
}

const control = http.createServer((req, res) => {
  let raw = ''
  req.on('data', chunk => { raw += chunk })
  req.on('end', () => {
    const route = routes[`${req.method} ${req.url}`]
    let status = 200
    let result
    try {
      if (!route) { status = 404; result = { error: 'no route' } } else result = route(raw ? JSON.parse(raw) : {})
    } catch (e) {
      status = 500
      result = { error: String(e && e.stack || e) }
    }
    Promise.resolve(result).then(value => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(value))
    }, e => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: String(e && e.stack || e) }))
    })
  })
})

const server = new PuppetServer({ endpoint: `${HOST}:${grpcPort}`, puppet, token, tls: { disable: true } })

async function main () {
  await new Promise((resolve, reject) => control.listen(controlPort, HOST, resolve).on('error', reject))
  await server.start()
  console.log(`GATEWAY READY ${grpcPort}`)
}

async function shutdown () {
  control.close()
  try { await server.stop() } catch (e) { /* exiting anyway */ }
  process.exit(0)
}
process.on('SIGTERM', shutdown)
// The test process holds our stdin: when it dies, however it died, the gateway goes too.
process.stdin.on('end', shutdown)
process.stdin.resume()
process.on('SIGINT', shutdown)

main().catch(e => { console.error(e); process.exit(1) })
