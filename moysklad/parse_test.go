package moysklad_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "moysklad", name))
	require.NoError(t, err)
	return b
}

func TestParseNotificationRealBodies(t *testing.T) {
	t.Parallel()
	n, err := moysklad.ParseNotification(readTestdata(t, "notification-state.json"))
	require.NoError(t, err)
	require.Equal(t, "online@2336623", n.AuditContext.UID)
	require.Equal(t, "55bec62c-f82f-11f0-0a80-0b3c0006165d", n.AuditContext.Meta.ID())
	require.Equal(t, time.Date(2026, 1, 23, 7, 44, 23, 0, time.UTC), n.AuditContext.Moment.UTC(), "moment is Moscow time")
	require.Equal(t, []string{"state"}, n.Events[0].UpdatedFields)
	require.Equal(t, "4081cebb-f82b-11f0-0a80-0472000f6157", n.Events[0].Meta.ID())

	n, err = moysklad.ParseNotification(readTestdata(t, "notification-no-audit.json"))
	require.NoError(t, err)
	require.Nil(t, n.AuditContext)
	require.Empty(t, n.Events[0].UpdatedFields)

	n, err = moysklad.ParseNotification(readTestdata(t, "notification-doc-example.json"))
	require.NoError(t, err)
	require.Equal(t, "product", n.Events[0].Meta.Type)

	n, err = moysklad.ParseNotification(readTestdata(t, "notification-several.json"))
	require.NoError(t, err)
	require.Len(t, n.Events, 2)
	require.Equal(t, 123*time.Millisecond, time.Duration(n.AuditContext.Moment.Nanosecond()), "moment with milliseconds")
}

func TestParseNotificationRejects(t *testing.T) {
	t.Parallel()
	for body, why := range map[string]string{
		``:             "empty body",
		`nope`:         "not a JSON object",
		`[]`:           "not a JSON object",
		`{"events":1}`: "cannot unmarshal",
		`{}`:           "no events",
		`{"events":[{"meta":{"type":"supply"},"action":"UPDATE"}]}`:                                  "meta.href and meta.type are required",
		`{"events":[{"meta":{"type":"supply","href":"https://x/entity/supply/1"},"action":"BOOM"}]}`: `unknown action "BOOM"`,
		`{"auditContext":{"moment":"yesterday"},"events":[]}`:                                        "bad moment",
	} {
		_, err := moysklad.ParseNotification([]byte(body))
		require.ErrorIs(t, err, moysklad.ErrBadNotification, body)
		require.ErrorContains(t, err, why, body)
	}
}

func TestDocumentKeepsUnknownFields(t *testing.T) {
	t.Parallel()
	var d moysklad.Document
	require.NoError(t, d.UnmarshalJSON(readTestdata(t, "supply.json")))
	require.Equal(t, "00001", d.Name)
	require.Equal(t, "faf3ff5b-2e58-11e6-8a84-bae500000050", d.Store.ID())
	raw, ok := d.Extra("incomingNumber")
	require.True(t, ok)
	require.JSONEq(t, `"INV-2016-0604"`, string(raw))
	b, err := d.MarshalJSON()
	require.NoError(t, err)
	require.JSONEq(t, string(readTestdata(t, "supply.json")), string(b), "nothing lost on the way back")

	row := d.Rows()[0].ForWrite()
	w, err := row.MarshalJSON()
	require.NoError(t, err)
	require.Contains(t, string(w), `"trackingCodes"`)
	require.NotContains(t, string(w), `"overhead"`, "read-only fields are not written")
	var got struct {
		Assortment map[string]any `json:"assortment"`
	}
	require.NoError(t, json.Unmarshal(w, &got))
	require.Len(t, got.Assortment, 1, "the assortment goes as a bare reference")
	require.Contains(t, got.Assortment, "meta")
}

func FuzzParseNotification(f *testing.F) {
	for _, name := range []string{"notification-state.json", "notification-no-audit.json", "notification-several.json"} {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte(`{"events":[{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := moysklad.ParseNotification(b)
		if err != nil {
			require.ErrorIs(t, err, moysklad.ErrBadNotification)
			return
		}
		require.NotEmpty(t, n.Events)
		for _, e := range n.Events {
			require.NotEmpty(t, e.Meta.ID())
			require.NotEmpty(t, e.Meta.Type)
		}
	})
}
