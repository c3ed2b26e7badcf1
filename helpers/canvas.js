// The browser side of helpers/canvas.py: a canvas showing the figure's background (a PNG, sent when the view
// changes) and, over it, each frame's operations (paths, markers, pixels, grids) in the figure's pixels.


function trace(target, v, codes) {
  // v: x, y pairs; codes: matplotlib's path codes (1 move, 2 line, 3 quadratic, 4 cubic, 79 close) or none
  const n = v.length / 2;
  if (!codes) {
    target.moveTo(v[0], v[1]);
    for (let i = 1; i < n; i++) target.lineTo(v[2 * i], v[2 * i + 1]);
    return;
  }
  for (let i = 0; i < n; ) {
    const code = codes[i];
    if (code === 1) { target.moveTo(v[2 * i], v[2 * i + 1]); i += 1; }
    else if (code === 2) { target.lineTo(v[2 * i], v[2 * i + 1]); i += 1; }
    else if (code === 3) { target.quadraticCurveTo(v[2 * i], v[2 * i + 1], v[2 * i + 2], v[2 * i + 3]); i += 2; }
    else if (code === 4) {
      target.bezierCurveTo(v[2 * i], v[2 * i + 1], v[2 * i + 2], v[2 * i + 3], v[2 * i + 4], v[2 * i + 5]);
      i += 3;
    } else { target.closePath(); i += 1; }
  }
}

function paint(ctx, op, shape) {
  if (op.fill) { ctx.fillStyle = op.fill; ctx.fill(shape); }
  if (op.stroke) {
    ctx.strokeStyle = op.stroke;
    ctx.lineWidth = op.lw;
    ctx.lineJoin = op.join || "round";
    ctx.lineCap = op.cap || "butt";
    ctx.setLineDash(op.dash || []);
    ctx.lineDashOffset = op.dashOffset || 0;
    ctx.stroke(shape);
  }
}

function image(data, w, h) {
  const sheet = document.createElement("canvas");
  sheet.width = w;
  sheet.height = h;
  sheet.getContext("2d").putImageData(new ImageData(data, w, h), 0, 0);
  return sheet;
}

function expand(buffer, op, count) {
  // RGBA bytes of an operation's pixels, sent with 1 (grey), 3 (opaque) or 4 channels, or as a one-colour mask
  const src = new Uint8Array(buffer, op.p[0], op.p[1]);
  if (op.ch === 4) return new Uint8ClampedArray(buffer, op.p[0], op.p[1]);
  const out = new Uint8ClampedArray(4 * count);
  const hex = op.color ? [1, 3, 5].map((k) => parseInt(op.color.slice(k, k + 2), 16)) : null;
  for (let i = 0; i < count; i++) {
    if (op.ch === 1) { out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = src[i]; out[4 * i + 3] = 255; }
    else if (op.ch === 3) {
      out[4 * i] = src[3 * i]; out[4 * i + 1] = src[3 * i + 1]; out[4 * i + 2] = src[3 * i + 2]; out[4 * i + 3] = 255;
    } else { out[4 * i] = hex[0]; out[4 * i + 1] = hex[1]; out[4 * i + 2] = hex[2]; out[4 * i + 3] = src[i]; }
  }
  return out;
}

function grid(words, op) {
  // nearest neighbour as GridImage does it: pixel row i from the bottom shows grid row floor(i·rows/h)
  const out = new Uint32Array(op.w * op.h);
  for (let j = 0; j < op.h; j++) {
    const base = Math.floor(((op.h - 1 - j) * op.rows) / op.h) * op.cols;
    for (let x = 0; x < op.w; x++) out[j * op.w + x] = words[base + Math.floor((x * op.cols) / op.w)];
  }
  return image(new Uint8ClampedArray(out.buffer), op.w, op.h);
}

function walk(v0, steps) {
  // a polyline sent as its first point and int8 steps, all in eighths of a pixel
  const v = new Float32Array(steps.length + 2);
  let x = v0[0], y = v0[1];
  v[0] = x / 8;
  v[1] = y / 8;
  for (let i = 0; i < steps.length; i += 2) {
    x += steps[i];
    y += steps[i + 1];
    v[i + 2] = x / 8;
    v[i + 3] = y / 8;
  }
  return v;
}

function draw(ctx, background, frame) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  if (background) ctx.drawImage(background, 0, 0);
  if (!frame) return;
  const buffer = frame.buffer;
  const floats = (at) => Float32Array.from(new Int16Array(buffer, at[0], at[1]), (q) => q / 8);
  const bytes = (at) => new Uint8Array(buffer, at[0], at[1]);
  for (const op of frame.ops) {
    ctx.save();
    if (op.clip) {
      ctx.beginPath();
      ctx.rect(op.clip[0], op.clip[1], op.clip[2] - op.clip[0], op.clip[3] - op.clip[1]);
      ctx.clip();
    }
    if (op.k === "path") {
      const shape = new Path2D();
      const steps = op.steps || (op.d && new Int8Array(buffer, op.d[0], op.d[1]));
      trace(shape, steps ? walk(op.v0, steps) : floats(op.v), op.c && bytes(op.c));
      paint(ctx, op, shape);
    } else if (op.k === "markers") {
      const shape = new Path2D();
      trace(shape, floats(op.v), op.c && bytes(op.c));
      const at = floats(op.at);
      for (let i = 0; i < at.length; i += 2) {
        ctx.setTransform(1, 0, 0, 1, at[i], at[i + 1]);
        paint(ctx, op, shape);
      }
    } else if (op.k === "pixels") {
      ctx.drawImage(image(expand(buffer, op, op.w * op.h), op.w, op.h), op.x, op.y);
    } else if (op.k === "grid") {
      const words = new Uint32Array(expand(buffer, op, op.rows * op.cols).slice().buffer);
      ctx.drawImage(grid(words, op), op.x, op.y);
    }
    ctx.restore();
  }
}

function copy(view) {
  // an aligned copy of a message's buffer, so that typed arrays can be laid over it
  return view ? new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice().buffer : new ArrayBuffer(0);
}

async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function unpack(view, deflate) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return parse(deflate ? await inflate(bytes) : bytes);
}

function parse(bytes) {
  // a frame: [JSON length, 4 bytes little-endian][operations' JSON][coordinates and pixels]
  const length = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  const ops = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length)));
  let hash = 2166136261; // FNV-1a of the frame: the same picture has the same digest
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 16777619);
  return { ops, buffer: bytes.slice(4 + length).buffer, digest: `${bytes.length}:${(hash >>> 0).toString(16)}` };
}

// The figures on the page by key: Play in the page shows its frames on them.
const figures = (window.__gdFigures = window.__gdFigures || {});

function render(context) {
  return context.model.get("role") === "play" ? renderPlay(context) : renderFigure(context);
}

function renderFigure({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.className = "gd-canvas";
  canvas.dataset.frames = "0";
  const size = () => {
    canvas.width = model.get("width");
    canvas.height = model.get("height");
    canvas.style.width = `${canvas.width}px`;
  };
  size();
  canvas.style.maxWidth = "100%";
  canvas.style.height = "auto";
  canvas.style.display = "block";
  el.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  const ref = model.get("readout");
  const readout = ref ? model.widget_manager.get_model(ref.slice("IPY_MODEL_".length)) : Promise.resolve(null);
  let background = null, frame = null, pending = 0, lines = new Map(), resyncing = false, queue = Promise.resolve();
  const deflate = typeof DecompressionStream === "function";
  const follow = (unpacked) => {
    // A live frame's polyline may continue the one at its place in the last live frame: its first `keep` steps
    // are that one's (helpers/canvas.py, _continue_lines). False if this view does not have them (it came later).
    const next = new Map();
    for (const [place, op] of unpacked.ops.entries()) {
      if (!op.d) continue;
      const tail = new Int8Array(unpacked.buffer, op.d[0], op.d[1]);
      op.steps = tail;
      if (op.keep !== undefined) {
        const before = lines.get(place);
        if (!before || before.length < 2 * op.keep) return false;
        op.steps = new Int8Array(2 * op.keep + tail.length);
        op.steps.set(before.subarray(0, 2 * op.keep));
        op.steps.set(tail, 2 * op.keep);
      }
      next.set(place, op.steps);
    }
    lines = next;
    return true;
  };
  const redraw = () => {
    if (pending) return; // a new background is being decoded: draw when it is there
    const started = performance.now();
    draw(ctx, background, frame);
    canvas.gdDrawMs = [...(canvas.gdDrawMs || []).slice(-99), performance.now() - started]; // the last 100
    canvas.dataset.frames = String(Number(canvas.dataset.frames) + 1);
    canvas.dataset.digest = frame ? frame.digest : "";
    canvas.dispatchEvent(new Event("gd-frame")); // for the browser test and benchmark
  };
  // Each frame is drawn as soon as it is there (0.1–1.5 ms; the browser shows the latest at its next paint),
  // as an image shows each PNG it has decoded
  const schedule = redraw;
  model.on("change:width", size);
  model.on("change:height", size);
  model.on("msg:custom", (msg, buffers) => {
    if (msg.type === "background") {
      resyncing = false;
      pending += 1;
      createImageBitmap(new Blob([copy(buffers[0])], { type: "image/png" })).then((bitmap) => {
        background = bitmap;
        pending -= 1;
        schedule();
      });
    } else if (msg.type === "reference") { // the browser test's: the same frame as a PNG drawn by Agg
      const url = URL.createObjectURL(new Blob([copy(buffers[0])], { type: "image/png" }));
      (canvas.gdReferenceWaiting || []).forEach((resolve) => resolve(url));
      canvas.gdReferenceWaiting = [];
    } else if (msg.type === "frame") {
      const bytes = buffers[0];
      queue = queue.then(async () => { // in order: a frame may continue the last one's lines
        const unpacked = await unpack(bytes, msg.deflate);
        if (!follow(unpacked)) { // a frame sent before this view was there: ask for the background and a whole one
          if (!resyncing) model.send({ type: "ready", deflate });
          resyncing = true;
          return;
        }
        frame = unpacked;
        schedule();
        if (msg.readout !== undefined) (await readout).set("value", msg.readout); // in the page only
      }).catch((error) => console.error("a frame of the demo could not be drawn", error)); // the next ones still are
    }
  });
  canvas.gdReference = () => new Promise((resolve) => {
    canvas.gdReferenceWaiting = [...(canvas.gdReferenceWaiting || []), resolve];
    model.send({ type: "reference" });
  });
  canvas.addEventListener("click", (event) => {
    // in the figure's pixels, as ipyevents reports a click on an image (dataX, dataY)
    const box = canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) * canvas.width) / box.width;
    const y = ((event.clientY - box.top) * canvas.height) / box.height;
    model.send({ type: "click", dataX: x, dataY: y });
  });
  const key = model.get("key");
  const show = (unpacked) => {
    frame = unpacked;
    schedule();
  };
  (figures[key] = figures[key] || new Set()).add(show);
  model.send({ type: "ready", deflate });
  return () => figures[key].delete(show);
}

async function renderPlay({ model, el }) {
  // Buttons as ipywidgets' Play draws them (and the same classes, so they look the same)
  const box = document.createElement("div");
  box.className = "widget-inline-hbox widget-play gd-play";
  const button = (icon, title) => {
    const b = document.createElement("button");
    b.className = "jupyter-button widget-button";
    b.title = title;
    const i = document.createElement("i");
    i.className = `fa fa-${icon}`;
    b.appendChild(i);
    box.appendChild(b);
    return b;
  };
  const playButton = button("play", "Play"), stopButton = button("stop", "Stop");
  const repeatButton = button("retweet", "Repeat");
  el.appendChild(box);
  const manager = model.widget_manager;
  const linked = (name) => manager.get_model(model.get(name).slice("IPY_MODEL_".length));
  const [play, slider, readout] = await Promise.all([linked("play"), linked("slider"), linked("readout")]);
  const repeat = () => play.get("repeat");
  const showRepeat = () => repeatButton.classList.toggle("mod-active", repeat());
  showRepeat();
  play.on("change:repeat", showRepeat);

  let token = 0, running = false, frames = new Map(), steps = [], index = 0, due = 0, interval = 0;
  const setIcon = () => { playButton.firstChild.className = `fa fa-${running ? "pause" : "play"}`; };
  const settle = (value) => {
    // the kernel hears where Play stopped (and draws that step, as for a drag)
    running = false;
    setIcon();
    slider.set("value", value);
    slider.save_changes();
  };
  const showStep = (k) => {
    const entry = frames.get(k);
    slider.set("value", k); // moves the slider in the page only: no message per step
    readout.set("value", entry.text);
    (figures[model.get("figure")] || new Set()).forEach((show) => show(entry.frame));
  };
  const tick = (now) => {
    if (!running) return;
    const k = steps[index];
    if (frames.has(k) && now >= due) {
      showStep(k);
      due = Math.max(due + interval, now);
      index += 1;
      if (index === steps.length) {
        if (repeat()) start(slider.get("min"));
        else settle(k);
        return;
      }
    } else if (!frames.has(k)) {
      due = now; // the frames are still coming: wait for them, then go on at the same pace
    }
    requestAnimationFrame(tick);
  };
  const start = (from) => {
    token += 1;
    frames = new Map();
    steps = [];
    for (let k = from; k <= slider.get("max"); k += slider.get("step")) steps.push(k);
    index = 0;
    due = performance.now();
    interval = play.get("interval"); // until the kernel's frames say the run's own
    running = true;
    setIcon();
    model.send({ type: "play", from, token });
    requestAnimationFrame(tick);
  };
  model.on("msg:custom", async (msg, buffers) => {
    if (msg.type === "stop" && running) settle(steps[Math.max(0, index - 1)]);
    if (msg.type !== "frames" || msg.token !== token) return;
    interval = msg.interval || interval;
    const bytes = await inflate(new Uint8Array(buffers[0].buffer, buffers[0].byteOffset, buffers[0].byteLength));
    let at = 0;
    msg.steps.forEach((k, i) => {
      frames.set(k, { frame: parse(bytes.subarray(at, at + msg.sizes[i])), text: msg.texts[i] });
      at += msg.sizes[i];
    });
  });
  playButton.addEventListener("click", () => {
    if (running) return settle(steps[Math.max(0, index - 1)]);
    const value = slider.get("value");
    start(value >= slider.get("max") ? slider.get("min") : value);
  });
  stopButton.addEventListener("click", () => {
    token += 1;
    settle(slider.get("min"));
  });
  repeatButton.addEventListener("click", () => {
    play.set("repeat", !repeat());
    play.save_changes();
  });
}

export default { render };
