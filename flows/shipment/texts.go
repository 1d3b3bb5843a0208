package shipment

import (
	"errors"
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
)

// skuLabel names the SKU field the way staff see it in MoySklad.
func skuLabel(field string) string {
	switch field {
	case moysklad.SKUCode:
		return "Код"
	case moysklad.SKUExternalCode:
		return "Внешний код"
	}
	return "Артикул"
}

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

// msCause is a MoySklad refusal as staff read it: its codes and texts,
// without the request.
func msCause(err error) string {
	var ms *moysklad.APIError
	if !errors.As(err, &ms) || len(ms.Errors) == 0 {
		return err.Error()
	}
	parts := make([]string, len(ms.Errors))
	for i, el := range ms.Errors {
		parts[i] = el.Error
		if el.Code != 0 {
			parts[i] = fmt.Sprintf("ошибка %d: %s", el.Code, el.Error)
		}
	}
	return strings.Join(parts, "; ")
}
