// The spoken prompts (flow-screens §6): /audio/index.json maps each prompt's
// id to its file in /audio/ and its length ({"read_card.place": {"file":
// "read_card.place.opus", "ms": 2380}, …}). say() plays a sequence of ids,
// stopping whatever was playing; replay() plays the last sequence again
// (再听一遍); mute holds until reset() (the end of the person's session).
//
// A prompt without a file is skipped; a missing index means a silent kiosk,
// never a broken page. A play() the browser refuses (no sound device, no
// user gesture yet) is dropped quietly. Nothing is logged.
//
// window.kioskFlow.voice lists the ids asked for and the ids that started
// playing, for the tests (no personal data is ever in a prompt id).
//
// ES2017 (old WebKitGTK).

const KEEP = 100; // ids kept in the test record

export function createVoice(record) {
  const audio = new Audio();
  audio.preload = 'auto';
  const v = {
    index: null, // id → {file, ms}; null until loaded, {} when there is none
    muted: false,
    queue: [],
    last: [],
    waiting: null, // a sequence asked for before the index was there
  };

  function note(list, id) {
    list.push(id);
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
  }

  function stop() {
    v.queue = [];
    try {
      audio.pause();
    } catch (e) { /* nothing playing */ }
  }

  function next() {
    while (v.queue.length) {
      const id = pick(v.queue.shift());
      const entry = v.index && v.index[id];
      if (!entry || typeof entry.file !== 'string') continue;
      audio.src = '/audio/' + encodeURIComponent(entry.file);
      let p;
      try {
        p = audio.play();
      } catch (e) {
        v.queue = [];
        return;
      }
      if (p && typeof p.then === 'function') {
        p.then(() => note(record.played, id), () => {
          v.queue = []; // refused: not this sequence
        });
      } else {
        note(record.played, id);
      }
      return;
    }
  }
  audio.addEventListener('ended', next);
  audio.addEventListener('error', next);

  // pick is the first of alternatives that has a file ("sign.rel.儿媳", else
  // "sign_authorization.next").
  function pick(alt) {
    if (!Array.isArray(alt)) return alt;
    for (const id of alt) {
      if (v.index && v.index[id]) return id;
    }
    return alt[0];
  }

  function play(ids) {
    stop();
    if (v.muted || !ids.length) return;
    if (v.index === null) {
      v.waiting = ids;
      return;
    }
    v.queue = ids.slice();
    next();
  }

  fetch('/audio/index.json', {cache: 'no-store', credentials: 'same-origin'})
    .then((res) => (res.ok ? res.json() : {}))
    .catch(() => ({}))
    .then((index) => {
      v.index = index && typeof index === 'object' ? index : {};
      const w = v.waiting;
      v.waiting = null;
      if (w) play(w);
    });

  return {
    // say plays ids in order (an entry may be a list of alternatives: the
    // first that has a file); with replay false the sequence is not kept for
    // 再听一遍 (a passing notice).
    say(ids, replay) {
      const list = ids.filter(Boolean);
      for (const id of list) note(record.asked, Array.isArray(id) ? id[0] : id);
      if (replay !== false) v.last = list;
      play(list);
    },
    replay() {
      for (const id of v.last) note(record.asked, Array.isArray(id) ? id[0] : id);
      play(v.last);
    },
    get muted() {
      return v.muted;
    },
    setMuted(m) {
      v.muted = !!m;
      if (v.muted) stop();
    },
    stop: stop,
    // reset ends the person's session: unmuted, nothing to replay.
    reset() {
      v.muted = false;
      v.last = [];
    },
  };
}
