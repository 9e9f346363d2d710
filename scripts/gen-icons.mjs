#!/usr/bin/env node
/**
 * Generate the PWA's PNG icons from the same shapes as public/icon.svg (a yellow bolt on a navy
 * rounded square), with no dependencies: the shapes are rasterised here with 4×4 supersampling and
 * written as RGBA PNGs through node:zlib. Output is deterministic; run after changing the design:
 *
 *   node scripts/gen-icons.mjs        → public/icon-192.png, icon-512.png, icon-maskable-512.png
 *
 * The maskable icon is full-bleed (no rounded corners: the platform applies its own mask) with the
 * bolt scaled into the safe zone, the central circle of 80% diameter (w3.org/TR/appmanifest
 * §icon masks; web.dev/maskable-icon).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const OUT = fileURLToPath(new URL('../public/', import.meta.url))
const NAVY = [0x0b, 0x1d, 0x33]
const YELLOW = [0xff, 0xd2, 0x3f]
/** The bolt of icon.svg in its 512-unit design space: M292 56 132 292h104l-24 164 168-244H272z */
const BOLT = [
  [292, 56],
  [132, 292],
  [236, 292],
  [212, 456],
  [380, 212],
  [272, 212],
]
const SS = 4 // samples per axis per pixel

function insidePolygon(x, y, poly) {
  let inside = false
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]
    const [xj, yj] = poly[j]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

function insideRoundedRect(x, y, size, r) {
  if (x < 0 || y < 0 || x > size || y > size) return false
  const cx = Math.min(Math.max(x, r), size - r)
  const cy = Math.min(Math.max(y, r), size - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}

/**
 * Rasterise one icon. `radius` is the background's corner radius in design units (0 = full bleed);
 * `boltScale` shrinks the bolt about the centre (1 = as in icon.svg).
 */
function render(px, { radius, boltScale }) {
  const unit = 512 / px
  const bolt = BOLT.map(([x, y]) => [256 + (x - 256) * boltScale, 256 + (y - 256) * boltScale])
  const rgba = new Uint8Array(px * px * 4)
  for (let py = 0; py < px; py++) {
    for (let pxl = 0; pxl < px; pxl++) {
      let bg = 0
      let fg = 0
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = (pxl + (sx + 0.5) / SS) * unit
          const y = (py + (sy + 0.5) / SS) * unit
          if (!insideRoundedRect(x, y, 512, radius)) continue
          if (insidePolygon(x, y, bolt)) fg++
          else bg++
        }
      }
      const n = SS * SS
      const cover = bg + fg
      const o = (py * px + pxl) * 4
      if (cover === 0) continue
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.round((NAVY[c] * bg + YELLOW[c] * fg) / cover)
      rgba[o + 3] = Math.round((255 * cover) / n)
    }
  }
  return rgba
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes) {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  Buffer.from(data).copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

function png(px, rgba) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(px, 0)
  ihdr.writeUInt32BE(px, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const raw = Buffer.alloc(px * (px * 4 + 1))
  for (let y = 0; y < px; y++) {
    raw[y * (px * 4 + 1)] = 0 // filter: none
    Buffer.from(rgba.buffer, y * px * 4, px * 4).copy(raw, y * (px * 4 + 1) + 1)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const icons = [
  { file: 'icon-192.png', px: 192, radius: 96, boltScale: 1 },
  { file: 'icon-512.png', px: 512, radius: 96, boltScale: 1 },
  // The bolt spans 324 of 512 units vertically; at 0.72 it fits the 80% safe circle with margin.
  { file: 'icon-maskable-512.png', px: 512, radius: 0, boltScale: 0.72 },
  { file: 'apple-touch-icon.png', px: 180, radius: 0, boltScale: 0.8 },
]
for (const i of icons) {
  const bytes = png(i.px, render(i.px, i))
  writeFileSync(join(OUT, i.file), bytes)
  process.stdout.write(`${i.file}: ${i.px}×${i.px}, ${bytes.length} bytes\n`)
}
