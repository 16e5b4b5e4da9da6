"""change notices: the resident's channels for them; address confirmations

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


    op.create_table('address_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('email', 'sms', name='confirmation_channel', native_enum=False, length=20), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_count', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_address_confirmation_resident_id_resident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_address_confirmation'))
    )
    with op.batch_alter_table('address_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_address_confirmation_resident_id'), ['resident_id'], unique=False)


def downgrade():
    with op.batch_alter_table('address_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_address_confirmation_resident_id'))
    op.drop_table('address_confirmation')
    with op.batch_alter_table('reminder_preference', schema=None) as batch_op:
        batch_op.drop_column('change_channels')
