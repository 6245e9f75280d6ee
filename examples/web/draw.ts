/** A canvas to draw a digit on with the mouse, a pen or a finger (pointer events): white ink on black. */
export class DrawPad {
  private readonly ctx: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;
  private inked = false;

  constructor(readonly canvas: HTMLCanvasElement, private readonly onStroke: () => void) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.last = this.at(e);
      this.line(this.last, this.last);
      e.preventDefault();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.last) return;
      const p = this.at(e);
      this.line(this.last, p);
      this.last = p;
    });
    const end = () => {
      if (!this.last) return;
      this.last = null;
      this.onStroke();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  /** Canvas pixel coordinates of a pointer event (the canvas may be shown scaled). */
  private at(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * this.canvas.width) / r.width, y: ((e.clientY - r.top) * this.canvas.height) / r.height };
  }

  private line(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const { ctx } = this;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = this.canvas.width / 12; // MNIST strokes are about 2–3 of the 20-pixel box
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x + 0.01, b.y);
    ctx.stroke();
    this.inked = true;
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.inked = false;
  }

  get hasInk(): boolean {
    return this.inked;
  }

  /** The ink, [height, width] in [0, 1] (the red channel). */
  ink(): Float32Array {
    const { width, height } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const ink = new Float32Array(width * height);
    for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i] / 255;
    return ink;
  }
}

/** Paint a 28×28 image with values in [0, 1] (or bytes, with scale 255) onto a canvas of that size. */
export function paintDigit(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, scale = 1): void {
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round((255 * pixels[i]) / scale);
    img.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
}
