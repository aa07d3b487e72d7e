"""Entry script for spark-submit: runs the clinlabel CLI in the Spark driver.

    spark-submit --master yarn --conf spark.pyspark.python=/path/to/venv/bin/python \
        scripts/clinlabel_spark.py annotate hdfs:///notes/ -o hdfs:///out/annotated --engine spark
"""

from clinlabel.cli import run

if __name__ == "__main__":
    run()
