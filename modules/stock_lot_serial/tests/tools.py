# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""Helpers for tests that compare the ORM receipt with the fast path."""
from decimal import Decimal

from stdnum import luhn

from trytond.model import fields
from trytond.pool import Pool

# Differ between two receipts by nature: identities, keys and stamps.
VOLATILE = {
    'id', 'create_uid', 'create_date', 'write_uid', 'write_date',
    'number', 'imei', 'imei2', 'meid', 'serial', 'shipment', 'lot',
    'origin', 'supplier_move', 'ledger_sequence', 'ledger_hash'}


def imeis(tac, count, start=0):
    "count valid IMEIs of the 8-digit type allocation code tac"
    result = []
    for i in range(start, start + count):
        body = '%s%06d' % (tac, i)
        result.append(body + luhn.calc_check_digit(body))
    return result


def receipt_rows(codes, cost_step='7.5'):
    "CSV-like rows for ShipmentIn.add_units with costs that vary"
    return [(n + 2, code, {
                'imei': code,
                'grade': 'new' if n % 3 else 'refurb_a',
                'battery_health': str(80 + n % 20),
                'cost': str(Decimal('100') + n * Decimal(cost_step)),
                }) for n, code in enumerate(codes)]


def stored_values(record, skip=()):
    "The stored field values of record, ids of relations kept"
    Model = record.__class__
    names = [n for n, f in Model._fields.items()
        if not isinstance(f, (fields.Function, fields.One2Many,
                fields.Many2Many))
        and n not in VOLATILE and n not in skip]
    values, = Model.read([record.id], names)
    return {n: values[n] for n in names}


def receipt_snapshot(shipment):
    """What a receipt left: shipment, moves and units with the record
    identities replaced by their position, so two receipts compare"""
    pool = Pool()
    Shipment = pool.get('stock.shipment.in')
    shipment = Shipment(shipment.id)
    incoming = sorted(shipment.incoming_moves, key=lambda m: m.id)
    lots = [m.lot for m in incoming]
    position = {l.id: i for i, l in enumerate(lots)}
    moves = []
    for move in list(shipment.incoming_moves) + list(
            shipment.inventory_moves):
        values = stored_values(move)
        values['lot'] = position[move.lot.id]
        values['origin'] = (
            move.origin.__name__ if move.origin else None,
            position[move.origin.lot.id] if move.origin else None)
        moves.append(values)
    moves.sort(key=lambda v: (v['lot'], v['from_location']))
    units = []
    for lot in lots:
        values = stored_values(lot)
        values['supplier_move'] = (
            position[lot.supplier_move.lot.id]
            if lot.supplier_move else None)
        values['history'] = [
            (m.from_location.id, m.to_location.id, str(m.effective_date))
            for m in lot.history]
        units.append(values)
    head = stored_values(shipment, skip={'reference', 'moves'})
    return {'shipment': head, 'moves': moves, 'units': units}


def snapshot_differences(first, second):
    "Readable differences of two receipt snapshots, at most 20"
    differences = []
    if first['shipment'] != second['shipment']:
        differences.append(('shipment', first['shipment'],
                second['shipment']))
    for section in ['moves', 'units']:
        if len(first[section]) != len(second[section]):
            differences.append((section, 'count', len(first[section]),
                    len(second[section])))
            continue
        for i, (a, b) in enumerate(zip(first[section], second[section])):
            for name in sorted(a.keys() | b.keys()):
                if a.get(name) != b.get(name):
                    differences.append(
                        (section, i, name, a.get(name), b.get(name)))
    return differences[:20]
