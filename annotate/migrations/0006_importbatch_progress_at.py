from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotate", "0005_suggestions"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="progress_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
