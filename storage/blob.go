package storage

import (
	"bytes"
	"compress/gzip"
	"io"
)

// compressAbove is the size from which a stored body is gzipped: a bulk
// notification repeats the same hrefs thousands of times and shrinks
// about tenfold, and at the answer writing fewer pages beats the CPU.
const compressAbove = 16 << 10

// packBlob compresses a large body; a small one is stored as it is.
func packBlob(b []byte) ([]byte, error) {
	if len(b) < compressAbove {
		return b, nil
	}
	var out bytes.Buffer
	out.Grow(len(b) / 8)
	w, err := gzip.NewWriterLevel(&out, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// unpackBlob reads a body stored by packBlob: gzip announces itself by its
// magic bytes, which no JSON body starts with.
func unpackBlob(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b, nil
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}
