package inbound

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

var defaults = config.Receipt{Missing: config.MissingRemove, Defective: config.DefectiveAccept}

// byArticle keys products by article and variants by code.
var byArticle = moysklad.SKUFields{Product: moysklad.SKUArticle, Variant: moysklad.SKUCode}

func supply(goods ...fulfillment.SupplyGood) *fulfillment.Supply {
	return &fulfillment.Supply{OutdocType: fulfillment.OutdocSupply, Goods: goods}
}

func TestAdjustShortSurplusMissingSubstituted(t *testing.T) {
	t.Parallel()
	a, b, c := moyskladtest.Product("a", "A-1", "Чайник"), moyskladtest.Product("b", "B-2", "Кружка"), moyskladtest.Product("c", "C-3", "Термос")
	sub := moyskladtest.Product("d", "D-4", "Термос большой")
	doc := []moysklad.Position{moyskladtest.Position("p1", 10, a), moyskladtest.Position("p2", 5, b), moyskladtest.Position("p3", 6, c)}
	got := sumReceipt(supply(
		fulfillment.SupplyGood{GoodID: "A-1", PlanQnt: 10, UsefulQnt: 12},
		fulfillment.SupplyGood{GoodID: "B-2", PlanQnt: 5, UsefulQnt: 3},
		fulfillment.SupplyGood{GoodID: "C-3", PlanQnt: 6},
		fulfillment.SupplyGood{GoodID: "D-4", UsefulQnt: 6},
	))
	require.Equal(t, []received{{SKU: "D-4", Useful: 6}}, unplannedSKUs(doc, got, byArticle))

	adj := adjust(doc, got, byArticle, defaults, map[string]moysklad.Product{"D-4": *sub}, nil)
	require.Len(t, adj.Positions, 3, "the line that did not arrive is removed, the substitute added")
	require.Equal(t, "p1", adj.Positions[0].ID)
	require.Equal(t, 12.0, adj.Positions[0].Quantity)
	require.Equal(t, "p2", adj.Positions[1].ID)
	require.Equal(t, 3.0, adj.Positions[1].Quantity)
	require.Empty(t, adj.Positions[2].ID)
	require.Equal(t, 6.0, adj.Positions[2].Quantity)
	require.Equal(t, "d", adj.Positions[2].Assortment.Meta.ID())
	price, ok := adj.Positions[0].Extra("price")
	require.True(t, ok, "unmodelled fields are written back")
	require.JSONEq(t, "15000", string(price))
	require.Equal(t, int64(21), adj.Expected)
	require.Equal(t, int64(21), adj.Accepted)
	require.Equal(t, []string{
		"стр. 1 A-1 «Чайник»: ожидалось 10, принято 12 (излишек 2)",
		"стр. 2 B-2 «Кружка»: ожидалось 5, принято 3 (недостача 2)",
		"стр. 3 C-3 «Термос»: ожидалось 6, не поступило — строка удалена",
		"D-4 «Термос большой»: не заказан, принято 6 — добавлена строка",
	}, adj.Differences)
}

func TestAdjustDefectivePolicies(t *testing.T) {
	t.Parallel()
	a := moyskladtest.Product("a", "A-1", "Чайник")
	doc := []moysklad.Position{moyskladtest.Position("p1", 10, a)}
	got := sumReceipt(supply(fulfillment.SupplyGood{GoodID: "A-1", PlanQnt: 10, UsefulQnt: 8, DefectiveQnt: 2}))

	acc := adjust(doc, got, byArticle, defaults, nil, nil)
	require.Equal(t, 10.0, acc.Positions[0].Quantity)
	require.Equal(t, []string{"стр. 1 A-1 «Чайник»: ожидалось 10, принято 10, из них брак 2"}, acc.Differences)

	exc := adjust(doc, got, byArticle, config.Receipt{Missing: config.MissingRemove, Defective: config.DefectiveExclude}, nil, nil)
	require.Equal(t, 8.0, exc.Positions[0].Quantity)
	require.Equal(t, []string{"стр. 1 A-1 «Чайник»: ожидалось 10, принято 8 годных, брак 2 не оприходован (недостача 2)"}, exc.Differences)
}

func TestAdjustSameGoodOnTwoLines(t *testing.T) {
	t.Parallel()
	a := moyskladtest.Product("a", "A-1", "Чайник")
	doc := []moysklad.Position{moyskladtest.Position("p1", 4, a), moyskladtest.Position("p2", 6, a)}
	adj := adjust(doc, sumReceipt(supply(fulfillment.SupplyGood{GoodID: "A-1", PlanQnt: 10, UsefulQnt: 7})), byArticle, defaults, nil, nil)
	require.Equal(t, 4.0, adj.Positions[0].Quantity)
	require.Equal(t, 3.0, adj.Positions[1].Quantity)
	require.Equal(t, []string{"стр. 1, 2 A-1 «Чайник»: ожидалось 10, принято 7 (недостача 3)"}, adj.Differences)
}

func TestAdjustExactHasNoDifferences(t *testing.T) {
	t.Parallel()
	a := moyskladtest.Product("a", "A-1", "Чайник")
	adj := adjust([]moysklad.Position{moyskladtest.Position("p1", 4, a)}, sumReceipt(supply(fulfillment.SupplyGood{GoodID: "A-1", PlanQnt: 4, UsefulQnt: 4})), byArticle, defaults, nil, nil)
	require.Empty(t, adj.Differences)
	require.Equal(t, 4.0, adj.Positions[0].Quantity)
}

func TestSumReceiptAddsParts(t *testing.T) {
	t.Parallel()
	got := sumReceipt(
		supply(fulfillment.SupplyGood{GoodID: "A", UsefulQnt: 3}, fulfillment.SupplyGood{GoodID: "B", DefectiveQnt: 1}),
		supply(fulfillment.SupplyGood{GoodID: "A", UsefulQnt: 2}),
	)
	require.Equal(t, []received{{SKU: "A", Useful: 5}, {SKU: "B", Defective: 1}}, got)
}
