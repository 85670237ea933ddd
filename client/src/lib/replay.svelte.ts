/** Playback of an ended conversation: a playhead in milliseconds since it started, played at a chosen speed. */
export const SPEEDS = [1, 2, 4, 8, 16] as const;

export class Replay {
  position = $state(0);
  playing = $state(false);
  speed = $state<(typeof SPEEDS)[number]>(4);
  private frame = 0;
  private last = 0;

  constructor(readonly duration: number) {}

  play(): void {
    if (this.position >= this.duration) this.position = 0;
    this.playing = true;
    this.last = performance.now();
    const tick = (now: number) => {
      if (!this.playing) return;
      this.position = Math.min(this.duration, this.position + (now - this.last) * this.speed);
      this.last = now;
      if (this.position >= this.duration) this.playing = false;
      else this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.frame);
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  seek(position: number): void {
    this.position = Math.max(0, Math.min(this.duration, position));
  }
}
