package qbsync

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"qbsync/pb/rpcv1"
)

// Framing (docs/protocol.md §1): a 4-byte big-endian body length, then one
// protobuf qbsync.rpc.v1.Frame.

const (
	// ProtocolVersion is the wire protocol version this client speaks.
	ProtocolVersion = 1
	// DefaultMaxFrameSize is the frame body limit a Hello's 0 stands for (4 MiB).
	DefaultMaxFrameSize = 4 * 1024 * 1024
	// DefaultWindow is the number of stream messages the server may send ahead.
	DefaultWindow = 64
	// minFrameSize is the smallest max_frame_size the server accepts.
	minFrameSize = 4096
	prefixSize   = 4
)

// errFrameTooLarge: an incoming length prefix above this client's limit.
type errFrameTooLarge struct{ size, limit uint32 }

func (e errFrameTooLarge) Error() string {
	return fmt.Sprintf("the server sent a frame of %d bytes, above this client's limit of %d bytes", e.size, e.limit)
}

// errProtocol: the server broke the framing rules.
type errProtocol struct{ msg string }

func (e errProtocol) Error() string { return "the server broke the protocol: " + e.msg }

func effectiveLimit(announced uint32) int {
	if announced == 0 {
		return DefaultMaxFrameSize
	}
	return int(announced)
}

// frameReader reads whole frames, checking each length prefix against the
// limit before reading the body.
type frameReader struct {
	r     *bufio.Reader
	limit uint32
	pre   [prefixSize]byte
}

func newFrameReader(r io.Reader, limit uint32) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, 64*1024), limit: limit}
}

// read returns the next frame; io.EOF at a clean end between frames.
func (fr *frameReader) read() (*rpcv1.Frame, error) {
	if _, err := io.ReadFull(fr.r, fr.pre[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errProtocol{"connection closed inside a length prefix"}
		}
		return nil, err
	}
	size := binary.BigEndian.Uint32(fr.pre[:])
	if size > fr.limit {
		return nil, errFrameTooLarge{size, fr.limit}
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(fr.r, body); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errProtocol{fmt.Sprintf("connection closed inside a frame of %d bytes", size)}
		}
		return nil, err
	}
	frame := new(rpcv1.Frame)
	if err := proto.Unmarshal(body, frame); err != nil {
		return nil, errProtocol{fmt.Sprintf("undecodable frame of %d bytes: %v", size, err)}
	}
	if frame.Kind == nil {
		return nil, errProtocol{"frame with no kind"}
	}
	return frame, nil
}

// encodedFrame is a Frame marshalled without its stream id, so that the id
// can be chosen later (under the connection's lock, which keeps ids in order
// on the socket) without marshalling again: protobuf fields may come in any
// order, so "08 <id>" is simply prepended to the body.
type encodedFrame []byte

func encodeFrame(f *rpcv1.Frame) (encodedFrame, error) {
	if f.StreamId != 0 {
		panic("encodeFrame: stream id must be left 0")
	}
	return proto.MarshalOptions{}.Marshal(f)
}

// bodySize is the frame's body size once stream id id is added.
func (e encodedFrame) bodySize(id uint32) int {
	if id == 0 {
		return len(e)
	}
	return len(e) + 1 + protowire.SizeVarint(uint64(id))
}

// appendTo appends the length-prefixed frame with stream id id to dst.
func (e encodedFrame) appendTo(dst []byte, id uint32) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(e.bodySize(id)))
	if id != 0 {
		dst = protowire.AppendTag(dst, 1, protowire.VarintType)
		dst = protowire.AppendVarint(dst, uint64(id))
	}
	return append(dst, e...)
}

// appendFrame appends a complete frame (any stream id) to dst.
func appendFrame(dst []byte, f *rpcv1.Frame) ([]byte, error) {
	body, err := proto.MarshalOptions{}.Marshal(f)
	if err != nil {
		return dst, err
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(body)))
	return append(dst, body...), nil
}
