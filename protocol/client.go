package protocol

import (
	_ "embed"
)

// ClientJS is the JavaScript client module (client/kiosk-client.js), served
// by the agent at ClientJSPath.
//
//go:embed client/kiosk-client.js
var ClientJS []byte

// ClientJSPath is where the agent serves ClientJS.
const ClientJSPath = "/protocol/kiosk-client.js"

// Schema is the JSON Schema (draft 2020-12) of every message
// (schema/protocol.schema.json), served by the agent at SchemaPath.
//
//go:embed schema/protocol.schema.json
var Schema []byte

// SchemaPath is where the agent serves Schema.
const SchemaPath = "/protocol/protocol.schema.json"

// ClientTypes are the TypeScript declarations of ClientJS
// (client/kiosk-client.d.ts), served by the agent at ClientTypesPath.
//
//go:embed client/kiosk-client.d.ts
var ClientTypes []byte

// ClientTypesPath is where the agent serves ClientTypes.
const ClientTypesPath = "/protocol/kiosk-client.d.ts"
