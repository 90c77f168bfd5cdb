package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"sync"

	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/wlt"
)

// photos decodes card photos with the configured vendor decoder and keeps
// the last result, so the idcard.inserted event and the idcard.read calls
// that follow it decode a card's photo once.
type photos struct {
	dec wlt.Decoder

	mu  sync.Mutex
	key [sha256.Size]byte
	png []byte
}

// decode returns the PNG of a WLT photo (a copy the caller owns), or nil
// when there is no decoder or decoding failed: the UI then shows a
// placeholder, and the WLT is still sent.
func (p *photos) decode(ctx context.Context, w []byte, onErr func(error)) []byte {
	if len(w) == 0 {
		return nil
	}
	key := sha256.Sum256(w)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.png != nil && key == p.key {
		return bytes.Clone(p.png)
	}
	png, err := p.dec.Decode(ctx, w)
	if err != nil {
		if !errors.Is(err, wlt.ErrNoDecoder) {
			onErr(err)
		}
		return nil
	}
	clear(p.png)
	p.key, p.png = key, png
	return bytes.Clone(png)
}

// forget wipes the cached photo (the card left).
func (p *photos) forget() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.png)
	p.png, p.key = nil, [sha256.Size]byte{}
}
