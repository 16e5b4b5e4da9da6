"""staff: platform administrator (adds organisations on /beheer/organisaties/nieuw)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 01:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_member', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('platform_admin', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('staff_member', schema=None) as batch_op:
        batch_op.drop_column('platform_admin')
