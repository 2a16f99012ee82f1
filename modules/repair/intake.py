# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.stock_lot_serial.identifier import normalize
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .exceptions import IntakeError


class TakeInStart(ModelView):
    __name__ = 'repair.job.take_in.start'

    warehouse = fields.Many2One(
        'stock.location', "Branch", required=True,
        domain=[('type', '=', 'warehouse')])
    customer = fields.Many2One('party.party', "Customer", required=True)
    code = fields.Char(
        "IMEI or Serial Number", required=True,
        help="Scan or type the IMEI or the serial number of the device.")
    product = fields.Many2One(
        'product.product', "Model",
        domain=[
            ('type', '=', 'goods'),
            ('template.tracking', 'in', ['imei', 'serial']),
            ],
        help="The model of a device the shop has never seen; "
        "leave it empty for a known device.")
    problem = fields.Text("Reported Problem", required=True)
    accessories = fields.Text(
        "Accessories Received",
        help="What came with the device: case, charger, SIM card.")
    condition = fields.Text(
        "Condition at Intake",
        help="Scratches, cracks and dents seen with the customer.")
    job = fields.Many2One('repair.job', "Repair Job", readonly=True)

    @classmethod
    def default_warehouse(cls):
        return Pool().get('repair.job').default_warehouse()


class TakeIn(Wizard):
    """Take a customer's device in for repair by its IMEI or serial number

    The front desk reads no units: the wizard finds the device by the code
    it is given, or registers a device never seen before, and shows no
    more of it than the job does."""
    __name__ = 'repair.job.take_in'

    start = StateView(
        'repair.job.take_in.start',
        'repair.job_take_in_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Take In", 'take_in', 'tryton-ok', default=True),
            ])
    take_in = StateTransition()
    open_ = StateAction('repair.act_job')

    def transition_take_in(self):
        pool = Pool()
        Job = pool.get('repair.job')
        User = pool.get('res.user')
        # The job is made as the user makes it: their group and branch
        with Transaction().set_context(_check_access=True):
            User.check_branch(self.start.warehouse, self.start.warehouse)
        lot = self.device()
        with Transaction().set_context(_check_access=True):
            job, = Job.create([{
                        'warehouse': self.start.warehouse.id,
                        'customer': self.start.customer.id,
                        'lot': lot.id,
                        'problem': self.start.problem,
                        'accessories': self.start.accessories,
                        'condition': self.start.condition,
                        }])
        self.start.job = job
        return 'open_'

    def device(self):
        """The unit carrying the code, registered if it was never seen

        A known unit must be at a customer: one sold, or brought before."""
        pool = Pool()
        Job = pool.get('repair.job')
        Lot = pool.get('stock.lot')
        code = self.start.code
        normalized = normalize(code)
        if not normalized:
            raise IntakeError(gettext(
                    'repair.msg_take_in_no_code', code=code or ''))
        lot = Lot.find_by_code(code)
        if lot:
            if lot.tracking not in {'imei', 'serial'}:
                raise IntakeError(gettext(
                        'repair.msg_take_in_not_unit', code=code))
            Job.check_open(lot)
            location = lot.current_location
            if location and location.type != 'customer':
                raise IntakeError(gettext(
                        'repair.msg_take_in_not_customer_device',
                        code=code, product=lot.product.rec_name))
            if (self.start.product
                    and self.start.product != lot.product):
                raise IntakeError(gettext(
                        'repair.msg_take_in_other_model', code=code,
                        product=lot.product.rec_name,
                        model=self.start.product.rec_name))
            return lot
        product = self.start.product
        if not product:
            raise IntakeError(gettext(
                    'repair.msg_take_in_unknown_device', code=code))
        field = 'imei' if product.template.tracking == 'imei' else 'serial'
        lot, = Lot.create([{
                    'product': product.id,
                    field: normalized,
                    }])
        return lot

    def do_open_(self, action):
        return action, {'res_id': [self.start.job.id]}

    def transition_open_(self):
        return 'end'
