package idcard

import (
	"errors"
	"fmt"
)

// Command is a SAM_V command: the CMD and PARA bytes of a host frame.
type Command struct {
	CMD, PARA byte
	Name      string // for errors and logs
}

func (c Command) String() string { return fmt.Sprintf("%s (%02X %02X)", c.Name, c.CMD, c.PARA) }

// The commands this driver sends (idcard-protocol.md §2.1).
var (
	CmdResetSAM         = Command{0x10, 0xFF, "reset SAM"}
	CmdSAMStatus        = Command{0x11, 0xFF, "SAM status"}
	CmdSAMID            = Command{0x12, 0xFF, "read SAM ID"}
	CmdFind             = Command{0x20, 0x01, "find card"}
	CmdSelect           = Command{0x20, 0x02, "select card"}
	CmdReadBase         = Command{0x30, 0x01, "read text and photo"}
	CmdReadAppendedAddr = Command{0x30, 0x03, "read appended address"}
	CmdReadBaseFP       = Command{0x30, 0x10, "read text, photo and fingerprint"}
)

// Status is the SW3 byte of a reader frame: the reader's or SAM's own result
// code. SW1 and SW2 carry the card's APDU status for some codes.
type Status byte

// Every SW3 code known (idcard-protocol.md §2.3).
const (
	StatusOK                Status = 0x90 // 操作成功
	StatusNoContent         Status = 0x91 // 证/卡中此项无内容
	StatusFound             Status = 0x9F // 寻找证/卡成功
	StatusChecksum          Status = 0x10 // 接收业务终端数据的校验和错
	StatusLength            Status = 0x11 // 接收业务终端数据的长度错
	StatusCommand           Status = 0x21 // 接收业务终端的命令错误
	StatusUnauthorized      Status = 0x23 // 越权操作
	StatusUnrecognized      Status = 0x24 // 无法识别的错误
	StatusCardAuthSAM       Status = 0x31 // 证/卡认证机具失败
	StatusSAMAuthCard       Status = 0x32 // 机具认证证/卡失败
	StatusVerify            Status = 0x33 // 信息验证错误
	StatusCardType          Status = 0x40 // 无法识别的证/卡类型
	StatusReadFailed        Status = 0x41 // 读证/卡操作失败
	StatusRandom            Status = 0x47 // 取随机数失败
	StatusSAMSelfTestFailed Status = 0x60 // SAM_V 自检失败，不能接收命令
	StatusSAMUnauthorized   Status = 0x66 // SAM_V 没经过授权，无法使用
	StatusNoCard            Status = 0x80 // 寻找证/卡失败
	StatusSelectFailed      Status = 0x81 // 选取证/卡失败
)

type meaning struct{ zh, en string }

var meanings = map[Status]meaning{
	StatusOK:                {"操作成功", "success"},
	StatusNoContent:         {"证/卡中此项无内容", "the card holds nothing for this item"},
	StatusFound:             {"寻找证/卡成功", "card found"},
	StatusChecksum:          {"接收业务终端数据的校验和错", "the reader received a frame with a bad checksum"},
	StatusLength:            {"接收业务终端数据的长度错", "the reader received a frame with a bad length"},
	StatusCommand:           {"接收业务终端的命令错误", "the reader does not know this command"},
	StatusUnauthorized:      {"越权操作", "unauthorised operation"},
	StatusUnrecognized:      {"无法识别的错误", "unrecognised error"},
	StatusCardAuthSAM:       {"证/卡认证机具失败", "the card failed to authenticate the SAM"},
	StatusSAMAuthCard:       {"机具认证证/卡失败", "the SAM failed to authenticate the card"},
	StatusVerify:            {"信息验证错误", "information verification error"},
	StatusCardType:          {"无法识别的证/卡类型", "unrecognised card type"},
	StatusReadFailed:        {"读证/卡操作失败", "reading the card failed"},
	StatusRandom:            {"取随机数失败", "getting a random number failed"},
	StatusSAMSelfTestFailed: {"SAM_V 自检失败，不能接收命令", "SAM self-test failed; it cannot take commands"},
	StatusSAMUnauthorized:   {"SAM_V 没经过授权，无法使用", "the SAM is not authorised"},
	StatusNoCard:            {"寻找证/卡失败", "no card in the field"},
	StatusSelectFailed:      {"选取证/卡失败", "selecting the card failed"},
}

// Chinese returns the code's meaning as vendor manuals word it.
func (s Status) Chinese() string {
	if m, ok := meanings[s]; ok {
		return m.zh
	}
	return "未知状态"
}

// English returns the code's meaning in English.
func (s Status) English() string {
	if m, ok := meanings[s]; ok {
		return m.en
	}
	return "unknown status"
}

func (s Status) String() string { return fmt.Sprintf("SW3 %02X (%s)", byte(s), s.English()) }

// success reports whether s means the command succeeded.
func (s Status) success() bool { return s == StatusOK || s == StatusFound }

// Statuses returns every known SW3 code, for documentation and tests.
func Statuses() []Status {
	out := make([]Status, 0, len(meanings))
	for s := range meanings {
		out = append(out, s)
	}
	return out
}

// StatusError is a reader reply whose SW3 is not a success code. Compare
// with errors.Is against the Err* values below, which match on SW3 only.
type StatusError struct {
	Command  Command // the command that failed (zero for sentinels)
	SW1, SW2 byte    // the card's APDU status, when the code carries one
	Status   Status
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("idcard: SW3 %02X: %s (%s)", byte(e.Status), e.Status.English(), e.Status.Chinese())
	if e.Command.Name != "" {
		msg = fmt.Sprintf("idcard: %s: SW3 %02X: %s (%s)", e.Command.Name, byte(e.Status), e.Status.English(), e.Status.Chinese())
	}
	if e.SW1 != 0 || e.SW2 != 0 {
		msg += fmt.Sprintf(", card status %02X %02X", e.SW1, e.SW2)
	}
	return msg
}

// Is matches another *StatusError with the same SW3.
func (e *StatusError) Is(target error) bool {
	var t *StatusError
	return errors.As(target, &t) && t.Status == e.Status
}

// Sentinels for errors.Is, one per SW3 error code.
var (
	ErrNoContent         error = &StatusError{Status: StatusNoContent}
	ErrReaderChecksum    error = &StatusError{Status: StatusChecksum}
	ErrReaderLength      error = &StatusError{Status: StatusLength}
	ErrUnknownCommand    error = &StatusError{Status: StatusCommand}
	ErrUnauthorized      error = &StatusError{Status: StatusUnauthorized}
	ErrUnrecognized      error = &StatusError{Status: StatusUnrecognized}
	ErrCardAuthSAM       error = &StatusError{Status: StatusCardAuthSAM}
	ErrSAMAuthCard       error = &StatusError{Status: StatusSAMAuthCard}
	ErrVerify            error = &StatusError{Status: StatusVerify}
	ErrCardType          error = &StatusError{Status: StatusCardType}
	ErrReadFailed        error = &StatusError{Status: StatusReadFailed}
	ErrRandom            error = &StatusError{Status: StatusRandom}
	ErrSAMSelfTestFailed error = &StatusError{Status: StatusSAMSelfTestFailed}
	ErrSAMUnauthorized   error = &StatusError{Status: StatusSAMUnauthorized}
	ErrNoCard            error = &StatusError{Status: StatusNoCard}
	ErrSelectFailed      error = &StatusError{Status: StatusSelectFailed}
)

// NeedsReplace reports whether err means the card was read badly in a way
// that vendors answer with "lift the card and place it again": a failed
// select, read or authentication (idcard-protocol.md §3.4, §3.5).
func NeedsReplace(err error) bool {
	var se *StatusError
	if !errors.As(err, &se) {
		return false
	}
	switch se.Status {
	case StatusSelectFailed, StatusReadFailed, StatusCardAuthSAM, StatusSAMAuthCard, StatusVerify, StatusRandom, StatusCardType:
		return true
	}
	return false
}
