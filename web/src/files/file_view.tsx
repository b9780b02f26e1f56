// The files of a message, post or comment (issue 13): images as a grid of thumbnails whose boxes
// are sized from the image's width and height before it loads (so the chat never jumps), a tap
// opening the lightbox; other files as rows to download; sound and video that the browser plays
// inline with their controls.
import { useEffect, useState } from 'preact/hooks';
import type { FileInfo } from '../api';
import { format_size, t } from '../i18n';
import { Icon } from '../ui/icons';
import { Sheet } from '../ui/sheet';
import './files.css';

/** A lone image's box at most (CSS pixels); narrower when the message is (max-width: 100%). */
export const MAX_BOX = 320;
/** The thinnest side a box keeps for a panorama or a tall strip (cropped to fit, never stretched). */
export const MIN_SIDE = 80;
/** The largest side of the server's thumbnail and preview. */
const THUMB = 400;
const PREVIEW = 1600;

/**
 * The box a lone image takes in a message, from its stored size: scaled down to fit `max_w` ×
 * `max_h`, never up; a side thinner than `min_side` is widened to it (unless the image itself is
 * smaller), the picture then cropped to fill the box.
 */
export function image_box(width: number, height: number, max_w = MAX_BOX, max_h = MAX_BOX, min_side = MIN_SIDE): { width: number; height: number } {
  if (!(width > 0) || !(height > 0)) return { width: max_w, height: Math.min(max_w, max_h) };
  const s = Math.min(1, max_w / width, max_h / height);
  return {
    width: Math.min(max_w, Math.max(Math.round(width * s), Math.min(min_side, width))),
    height: Math.min(max_h, Math.max(Math.round(height * s), Math.min(min_side, height))),
  };
}

/** The width of the server's copy of an image whose longest side is at most `longest`. */
function scaled_width(f: FileInfo, longest: number): number {
  const w = f.width ?? longest;
  const h = f.height ?? longest;
  return Math.round(w * Math.min(1, longest / Math.max(w, h)));
}

/** The thumbnail, and the preview for screens with denser pixels. */
function srcset(f: FileInfo): string | undefined {
  if (!f.thumbnail_url || !f.preview_url) return undefined;
  const [tw, pw] = [scaled_width(f, THUMB), scaled_width(f, PREVIEW)];
  return pw > tw ? `${f.thumbnail_url} ${tw}w, ${f.preview_url} ${pw}w` : undefined;
}

/** An image the grid can show: the server made its preview and knows its size. */
function shows_as_image(f: FileInfo): boolean {
  return f.kind === 'image' && !!f.preview_url && !!f.width && !!f.height;
}

export function FileList({ files }: { files: FileInfo[] }) {
  const [open, set_open] = useState<number | null>(null);
  if (!files.length) return null;
  const images = files.filter(shows_as_image);
  const others = files.filter((f) => !shows_as_image(f));
  return (
    <div class="files">
      {images.length === 1 && <ImageTile f={images[0]} lone on_open={() => set_open(0)} />}
      {images.length > 1 && (
        <ul class={'file-grid' + (images.length === 2 || images.length === 4 ? ' file-grid--two' : '')}>
          {images.map((f, i) => (
            <li key={f.id}><ImageTile f={f} on_open={() => set_open(i)} /></li>
          ))}
        </ul>
      )}
      {others.map((f) => <FileRow key={f.id} f={f} />)}
      <Lightbox images={images} index={open} on_move={set_open} on_close={() => set_open(null)} />
    </div>
  );
}

function ImageTile({ f, lone, on_open }: { f: FileInfo; lone?: boolean; on_open: () => void }) {
  // A lone image keeps its shape; in a grid every tile is a square (files.css).
  const box = image_box(f.width!, f.height!);
  const style = lone ? { width: `${box.width}px`, aspectRatio: `${box.width} / ${box.height}` } : undefined;
  return (
    <button type="button" class={'file-tile' + (lone ? ' file-tile--lone' : '')} style={style} aria-haspopup="dialog" aria-label={t('open_image', { name: f.name })} data-file={f.id} onClick={on_open}>
      <img
        src={f.thumbnail_url ?? f.preview_url}
        srcset={srcset(f)}
        sizes={lone ? `${box.width}px` : '160px'}
        width={lone ? box.width : 160}
        height={lone ? box.height : 160}
        loading="lazy"
        decoding="async"
        alt={f.name}
      />
    </button>
  );
}

function FileRow({ f }: { f: FileInfo }) {
  const media = f.inline && (f.content_type.startsWith('audio/') || f.content_type.startsWith('video/'));
  return (
    <div class="file">
      {media && f.content_type.startsWith('audio/') && <audio class="file__audio" controls preload="none" src={f.url} aria-label={f.name} />}
      {media && f.content_type.startsWith('video/') && <video class="file__video" controls preload="metadata" src={f.url} aria-label={f.name} />}
      <a class="file-row" href={f.url} download={f.name} data-file={f.id}>
        <span class="file-row__icon"><Icon name="file" /></span>
        <span class="file-row__name">
          <span class="visually-hidden">{t('download')} </span>
          {f.name}
        </span>
        <span class="file-row__size">{format_size(f.size)}</span>
        <Icon name="download" />
      </a>
    </div>
  );
}

/**
 * The picture, whole, over everything: the shared Sheet (modal, the focus trapped and given back,
 * Escape, its close button) made full-screen and dark. A tap beside the picture closes it too;
 * with several images, the arrows (and the arrow keys) go from one to the next.
 */
function Lightbox({ images, index, on_move, on_close }: { images: FileInfo[]; index: number | null; on_move: (i: number) => void; on_close: () => void }) {
  const f = index === null ? undefined : images[index];
  const many = images.length > 1;
  const go = (step: number) => index !== null && on_move((index + step + images.length) % images.length);
  useEffect(() => {
    if (!f || !many) return;
    const on_key = (e: KeyboardEvent) => {
      if (e.key === 'ArrowLeft') go(-1);
      else if (e.key === 'ArrowRight') go(1);
    };
    document.addEventListener('keydown', on_key);
    return () => document.removeEventListener('keydown', on_key);
  }, [f, many]);
  return (
    <Sheet open={!!f} title={f?.name ?? ''} on_close={on_close} variant="lightbox" testid="lightbox">
      {f && (
        <figure class="lightbox" tabIndex={-1} data-autofocus onClick={(e) => e.target === e.currentTarget && on_close()}>
          <img class="lightbox__img" src={f.preview_url} width={scaled_width(f, PREVIEW)} height={Math.round((f.height! * scaled_width(f, PREVIEW)) / f.width!)} alt={f.name} />
          <figcaption class="lightbox__bar">
            {many && <button type="button" class="icon-btn lightbox__nav" aria-label={t('previous_image')} onClick={() => go(-1)}><Icon name="back" /></button>}
            {many && <span class="lightbox__count">{t('image_position', { n: index! + 1, count: images.length })}</span>}
            {many && <button type="button" class="icon-btn lightbox__nav" aria-label={t('next_image')} onClick={() => go(1)}><Icon name="forward" /></button>}
            <a class="btn btn--small lightbox__download" href={f.url} download={f.name}>
              <Icon name="download" /> {t('download')}
              <span class="visually-hidden"> {f.name} ({format_size(f.size)})</span>
            </a>
          </figcaption>
        </figure>
      )}
    </Sheet>
  );
}
