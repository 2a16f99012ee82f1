# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.account.exceptions import PeriodNotFoundError
from trytond.modules.product import price_digits
from trytond.modules.stock_availability.location import VALUED_OWNERSHIPS
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ValuationError

# Valued stock comes in with a unit price of its own from these
PRICED_SOURCES = {'supplier', 'production'}


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    transfer_cost = fields.Numeric(
        "Transfer Cost", digits=price_digits, readonly=True,
        states={
            'invisible': Eval('transfer_cost', None) == None,  # noqa: E711
            },
        help="The cost per unit at which the move took the company's "
        "stock from one branch to another.")

    @property
    def specific_cost(self):
        "Whether the move carries the cost of its own unit"
        return bool(self.lot) and self.product.get_multivalue(
            'cost_price_method', **self._cost_price_pattern) == 'specific'

    @property
    def valuation_direction(self):
        "'in' or 'out' when the move brings value in or takes it out"
        from_valued = self.from_location.valued
        to_valued = self.to_location.valued
        if to_valued and not from_valued:
            return 'in'
        elif from_valued and not to_valued:
            return 'out'

    @staticmethod
    def _location_branch(location):
        "The id of the branch of location, None for transit"
        pool = Pool()
        Location = pool.get('stock.location')
        return Location.branch_ids([location.id]).get(location.id)

    @property
    def branch_transfer(self):
        "Whether the move takes company stock from a branch to another"
        from_, to = self.from_location, self.to_location
        return bool(from_.valued and to.valued
            and self._location_branch(from_) != self._location_branch(to))

    @property
    def valued_branch(self):
        "The id of the branch whose stock the move brings in or takes out"
        if self.to_location.valued:
            return self._location_branch(self.to_location)
        elif self.from_location.valued:
            return self._location_branch(self.from_location)

    @property
    def stock_value(self):
        "What the move adds to the inventory account, as continental posts"
        type_ = self._get_account_stock_move_type()
        if not type_ or type_ == 'transfer':
            return Decimal(0)
        lines = []
        with Transaction().set_context(
                company=self.company.id, date=self.effective_date):
            for kind in self._account_stock_kinds(type_):
                lines.extend(self._get_account_stock_move_lines(kind))
        return -sum((l.debit - l.credit for l in lines), Decimal(0))

    @property
    def stock_values(self):
        "{branch id: what the move adds to the inventory account there}"
        type_ = self._get_account_stock_move_type()
        if type_ == 'transfer':
            amount = self._transfer_amount()
            return {
                self._location_branch(self.from_location): -amount,
                self._location_branch(self.to_location): amount,
                }
        elif type_:
            return {self.valued_branch: self.stock_value}
        return {}

    def _transfer_amount(self):
        "The value the move takes from a branch to another"
        pool = Pool()
        Uom = pool.get('product.uom')
        cost = self.transfer_cost
        if cost is None:
            cost = self.get_cost_price()
        unit_price = Uom.compute_price(
            self.product.default_uom, cost, self.unit)
        return self.company.currency.round(
            Decimal(str(self.quantity)) * unit_price)

    @classmethod
    def _cost_price_context(cls, moves):
        pool = Pool()
        Location = pool.get('stock.location')
        context = super()._cost_price_context(moves)
        # Customers' devices in custody are not part of the average
        context['locations'] = [l.id for l in Location.search([
                    ('type', '=', 'storage'),
                    ('ownership', 'in', list(VALUED_OWNERSHIPS)),
                    ])]
        return context

    def get_cost_price(self, product_cost_price=None):
        if self.specific_cost and self.lot.unit_cost is not None:
            return self.lot.unit_cost
        return super().get_cost_price(product_cost_price=product_cost_price)

    def _do(self):
        cost_price, to_save = super()._do()
        if self.specific_cost:
            # The product's cost stays the average of the units in stock
            direction = self.valuation_direction
            if direction:
                cost_price = self._compute_product_cost_price(direction)
            if self.cost_price_required and self.cost_price is None:
                self.cost_price = self.get_cost_price()
        if self.branch_transfer and self.transfer_cost is None:
            self.transfer_cost = self.get_cost_price()
        return cost_price, to_save

    @classmethod
    @ModelView.button
    def do(cls, moves):
        cls.check_valuation([m for m in moves if m.state != 'done'])
        super().do(moves)

    @classmethod
    def do_set_based(cls, moves):
        todo = [m.id for m in moves if m.state != 'done']
        cls.check_valuation(cls.browse(todo))
        super().do_set_based(moves)
        cls.post_stock_accounting(cls.browse(todo))

    @classmethod
    def post_stock_accounting(cls, moves):
        "Post the account moves of done moves, as continental do() does"
        pool = Pool()
        AccountMove = pool.get('account.move')
        account_moves = list(filter(None,
                (m._get_account_stock_move() for m in moves)))
        AccountMove.save(account_moves)
        AccountMove.post(account_moves)

    @classmethod
    def check_valuation(cls, moves):
        """Refuse moves that could not be valued or posted

        Run before anything is written: a unit without a cost, or an
        account missing for a move the general ledger follows."""
        periods = {}
        for move in moves:
            if (move.specific_cost and move.valuation_direction
                    and move.from_location.type not in PRICED_SOURCES
                    and move.lot.unit_cost is None):
                raise ValuationError(gettext(
                        'stock_valuation.msg_unit_without_cost',
                        unit=move.lot.rec_name,
                        product=move.product.rec_name,
                        move=move.rec_name))
            if move._posts_stock_accounting(periods):
                with Transaction().set_context(company=move.company.id):
                    move.product.account_stock_used
                    type_ = move._get_account_stock_move_type()
                    if type_ == 'transfer':
                        continue
                    for kind in cls._account_stock_kinds(type_):
                        (move._get_account_stock_counterpart(kind)
                            or (move.product.account_stock_in_used
                                if kind.startswith('in_')
                                else move.product.account_stock_out_used))

    @staticmethod
    def _account_stock_kinds(type_):
        return {
            'supplier_customer': ['in_supplier', 'out_customer'],
            'customer_supplier': ['in_customer', 'out_supplier'],
            }.get(type_, [type_])

    def _posts_stock_accounting(self, periods=None):
        """Whether doing the move will post to the general ledger

        periods caches the answer per company and date."""
        pool = Pool()
        Date = pool.get('ir.date')
        Period = pool.get('account.period')
        if (self.product.type != 'goods'
                or not self._get_account_stock_move_type()):
            return False
        periods = {} if periods is None else periods
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
        key = (self.company.id, self.effective_date or today)
        if key not in periods:
            periods[key] = False
            for date in [key[1], today]:
                try:
                    period = Period.find(
                        self.company, date=date, test_state=False)
                except PeriodNotFoundError:
                    continue
                periods[key] = bool(period.fiscalyear.account_stock_method)
                break
        return periods[key]

    def _get_account_stock_move_type(self):
        from_, to = self.from_location, self.to_location
        if not (from_.custody or to.custody):
            type_ = super()._get_account_stock_move_type()
            if not type_ and self.branch_transfer:
                # Each branch keeps its share of the inventory accounts
                type_ = 'transfer'
            return type_
        # Stock in custody is a customer's: it has no value of ours.
        if from_.custody and to.valued:
            return 'in_customer'
        elif from_.valued and to.custody:
            return 'out_customer'

    def _get_account_stock_move_lines(self, type_):
        pool = Pool()
        Uom = pool.get('product.uom')
        AccountMoveLine = pool.get('account.move.line')
        if type_ == 'transfer':
            # Out of the stock of the branch it leaves; continental's
            # counterpart brings it into the other's.
            return [AccountMoveLine(
                    account=self.product.account_stock_used,
                    debit=Decimal(0), credit=self._transfer_amount(),
                    branch=self._location_branch(self.from_location))]
        lines = super()._get_account_stock_move_lines(type_)
        if self.specific_cost:
            # The unit's own cost, even from and back to its supplier
            unit_price = Uom.compute_price(
                self.product.default_uom, self.cost_price, self.unit)
            amount = self.company.currency.round(
                Decimal(str(self.quantity)) * unit_price)
            for line in lines:
                if type_.startswith('in_'):
                    line.debit, line.credit = Decimal(0), amount
                else:
                    line.debit, line.credit = amount, Decimal(0)
        account = self._get_account_stock_counterpart(type_)
        for line in lines:
            if account:
                line.account = account
            line.branch = self.valued_branch
        return lines

    def _get_account_stock_move_line(self, amount):
        line = super()._get_account_stock_move_line(amount)
        if line:
            line.branch = self.valued_branch
        return line

    def _get_account_stock_counterpart(self, type_):
        """The account balancing the stock account for type_

        None keeps continental's: stock IN for incoming, stock OUT
        for outgoing."""
        if type_ == 'out_supplier':
            # Goods back to the supplier reverse their receipt
            return self.product.account_stock_in_used
        elif type_ == 'in_customer':
            # Goods back from a customer reverse their cost of sale
            return self.product.account_stock_out_used
        elif type_ in {'out_lost_found', 'in_lost_found'}:
            return self._get_account_stock_adjustment(type_)

    def _get_account_stock_adjustment(self, type_):
        "The shrinkage or gain account of the move's reason or company"
        pool = Pool()
        Configuration = pool.get('account.configuration')
        reason = self.adjustment_reason
        kind = 'shrinkage' if type_.startswith('out_') else 'gain'
        account = None
        if reason:
            account = reason.get_multivalue(
                'account_%s' % kind, company=self.company.id)
        if not account:
            account = Configuration(1).get_multivalue(
                'stock_%s_account' % kind, company=self.company.id)
        if not account:
            raise ValuationError(gettext(
                    'stock_valuation.msg_missing_%s_account' % kind,
                    product=self.product.rec_name,
                    move=self.rec_name,
                    reason=reason.rec_name if reason else '-'))
        return account.current()

    # The receipt fast path of stock_lot_serial values units as do() does

    @classmethod
    def _set_based_averaged_methods(cls):
        return super()._set_based_averaged_methods() | {'specific'}

    @classmethod
    def _set_based_unit_cost(cls, move, method, unit_price):
        if (method == 'specific' and move.lot
                and move.lot.unit_cost is not None):
            return move.lot.unit_cost
        return super()._set_based_unit_cost(move, method, unit_price)

    @classmethod
    def _set_based_move_cost(cls, move, method, product_cost, unit_price):
        if method == 'specific' and move.lot:
            return cls._set_based_unit_cost(move, method, unit_price)
        return super()._set_based_move_cost(
            move, method, product_cost, unit_price)
