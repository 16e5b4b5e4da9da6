"""change notices: the resident's channels for them

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-05 22:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reminder_preference', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'change_channels',
                sa.String(length=20),
                server_default='email,sms',
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table('reminder_preference', schema=None) as batch_op:
        batch_op.drop_column('change_channels')
