package orders

import (
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
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

// msCause is a MoySklad refusal as staff read it.
func msCause(err error) string {
	var ae *moysklad.APIError
	if errors.As(err, &ae) && len(ae.Errors) > 0 {
		return fmt.Sprintf("код %d: %s", ae.Errors[0].Code, ae.Errors[0].Error)
	}
	return err.Error()
}
