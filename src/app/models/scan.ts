/**
 * Reading a QR code from a photo (or a camera capture, `<input type=file capture>`) with the
 * platform's BarcodeDetector where it exists (Chrome on Android, ChromeOS, macOS; not desktop Linux).
 * Elsewhere people paste the text instead.
 */
import type { Parsed } from './uri.js'

interface BarcodeDetectorLike {
  detect(source: ImageBitmapSource): Promise<{ rawValue: string }[]>
}
type BarcodeDetectorCtor = new (o: { formats: string[] }) => BarcodeDetectorLike

const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector

export const canScanImages = Detector !== undefined

export async function qrTextFromImage(file: Blob): Promise<Parsed<string>> {
  if (!Detector)
    return {
      ok: false,
      reason: 'This browser cannot read QR codes from pictures. Paste the address instead.',
    }
  try {
    const codes = await new Detector({ formats: ['qr_code'] }).detect(await createImageBitmap(file))
    return codes[0]
      ? { ok: true, value: codes[0].rawValue }
      : { ok: false, reason: 'No QR code found in that picture.' }
  } catch {
    return { ok: false, reason: 'That picture could not be read.' }
  }
}
