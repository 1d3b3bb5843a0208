package webhooks

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// A browser sends the cached Basic credentials with any request to the
// admin, even one a foreign page makes it send, so the operator's
// state-changing routes defend against cross-site request forgery twice:
//
//   - sameOrigin (all of /admin and /api) refuses a POST that a browser
//     says comes from another origin: Sec-Fetch-Site, else Origin against
//     Host. Another port of the same host counts as foreign: it could also
//     plant a cookie and beat the token below. curl and scripts send
//     neither header and pass, so the JSON API needs nothing more.
//   - formToken (/admin) wants the token the page put in its form to match
//     the cookie it set (echo's double submit), for browsers that send
//     neither header. echo trusts a same-origin Sec-Fetch-Site in its place.

// csrfField is the form field the admin's forms carry the token in.
const csrfField = "_csrf"

// csrfContextKey is where formToken leaves the token for the templates.
const csrfContextKey = "csrf"

var crossOrigin = http.NewCrossOriginProtection()

func sameOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := crossOrigin.Check(c.Request()); err != nil {
			return &Error{Status: http.StatusForbidden, Code: "csrf",
				Message: "запрос пришёл со страницы другого сайта и отклонён (защита от CSRF)", cause: err}
		}
		return next(c)
	}
}

func formToken() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:" + csrfField,
		ContextKey:     csrfContextKey,
		CookieName:     "skladflow_csrf",
		CookiePath:     "/admin",
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteStrictMode,
		// echo answers 400 for a missing token and 403 for a wrong one:
		// both are a refusal, answered in the project's shape.
		ErrorHandler: func(err error, c echo.Context) error {
			return &Error{Status: http.StatusForbidden, Code: "csrf",
				Message: "форма устарела или открыта не из skladflow: обновите страницу и повторите (защита от CSRF)", cause: err}
		},
	})
}
