package orders

import (
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/fulfillment"
)

// fboxCause is a warehouse error as staff read it.
func fboxCause(err error) string {
	var fb *fulfillment.Error
	if errors.As(err, &fb) {
		if fb.Code >= 1000 {
			return fmt.Sprintf("ошибка склада %d: %s", fb.Code, fb.Message)
		}
		return fmt.Sprintf("склад ответил HTTP %d: %s", fb.HTTPStatus, fb.Message)
	}
	return err.Error()
}

// outdocMark names a warehouse document in a mini-log line.
func outdocMark(id int64) string { return fmt.Sprintf("(док. склада %d)", id) }
