
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('findings', '0003_bukti_dukung_words'),
        ('surveys', '0002_response_import'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FollowUp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='dibuat')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dibuat oleh')),
                ('finding', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='survey_follow_up', to='findings.finding', verbose_name='temuan')),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups', to='surveys.question', verbose_name='unsur')),
                ('survey', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups', to='surveys.survey', verbose_name='survei')),
            ],
            options={
                'verbose_name': 'tindak lanjut hasil survei',
                'verbose_name_plural': 'tindak lanjut hasil survei',
                'ordering': ['survey', 'question__order'],
                'constraints': [models.UniqueConstraint(fields=('survey', 'question'), name='survey_followup_once_per_unsur')],
            },
        ),
    ]
